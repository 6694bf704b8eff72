using System.Net;

namespace MoqLive.Quic.Tests;

public sealed class QuicClientConnectionOptionsTests
{
    [Theory]
    [InlineData("https://127.0.0.1:4443/moq", "127.0.0.1:4443")]
    [InlineData("moqt://[::1]:4443/", "[::1]:4443")]
    [InlineData("https://127.0.0.1/", "127.0.0.1:443")]
    [InlineData("moqt://127.0.0.1/live", "127.0.0.1:443")]
    public void RemoteEndPointOf_AddressLiteral_IsAnIPEndPointWithThePortOr443(string url, string expected)
    {
        EndPoint remote = QuicClientConnectionOptions.RemoteEndPointOf(new Uri(url));
        Assert.Equal(IPEndPoint.Parse(expected), Assert.IsType<IPEndPoint>(remote));
    }

    [Theory]
    [InlineData("https://localhost:4443/moq", 4443)]
    [InlineData("moqt://relay.example/live", 443)]
    public void RemoteEndPointOf_HostName_IsResolvedAtConnect(string url, int port)
    {
        var remote = Assert.IsType<DnsEndPoint>(QuicClientConnectionOptions.RemoteEndPointOf(new Uri(url)));
        Assert.Equal(new Uri(url).IdnHost, remote.Host);
        Assert.Equal(port, remote.Port);
    }
}
