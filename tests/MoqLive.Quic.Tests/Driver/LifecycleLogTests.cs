using MoqLive.Quic.Core;
using MoqLive.Testing;
using MoqLive.Testing.Quic;

namespace MoqLive.Quic.Tests.Driver;

/// <summary>The structured log events of a connection's life (Log.cs, event IDs 1xxx), seen through a capturing logger.</summary>
public sealed class LifecycleLogTests
{
    [Fact]
    public async Task HandshakeAndClose_LoggedWithCodeAndReason()
    {
        var network = new InProcessDatagramNetwork();
        var serverLogs = new CapturingLoggerFactory();
        var clientLogs = new CapturingLoggerFactory();
        await using var listener = await QuicTestHost.ListenAsync(network, ["x"], loggerFactory: serverLogs);
        var accept = listener.AcceptConnectionAsync().AsTask();
        var options = QuicTestHost.ClientOptions(listener, ["x"]);
        options.LoggerFactory = clientLogs;
        var client = await QuicTestHost.ConnectAsync(network, options).AsTask().WithTimeout();
        var server = await accept.WithTimeout();

        await client.CloseAsync(7, "bye");
        await server.Closed.WithTimeout();
        await serverLogs.WhenLogged(1003).WithTimeout();

        Assert.True(serverLogs.Has(1001));
        Assert.True(clientLogs.Has(1002) && serverLogs.Has(1002));
        Assert.True(clientLogs.Has(1003, "Local True code 0x7 bye"));
        Assert.True(serverLogs.Has(1003, "Peer True code 0x7 bye"));
    }

    [Fact]
    public async Task AlpnMismatch_LoggedAsTlsHandshakeFailureOnBothSides()
    {
        var network = new InProcessDatagramNetwork();
        var serverLogs = new CapturingLoggerFactory();
        var clientLogs = new CapturingLoggerFactory();
        await using var listener = await QuicTestHost.ListenAsync(network, ["h3"], loggerFactory: serverLogs);
        var options = QuicTestHost.ClientOptions(listener, ["moqt-19"]);
        options.LoggerFactory = clientLogs;

        await Assert.ThrowsAsync<QuicException>(() => QuicTestHost.ConnectAsync(network, options).AsTask().WithTimeout());

        // no_application_protocol is TLS alert 120 (RFC 9001 §8.1).
        Assert.True(clientLogs.Has(1010, "(Peer): alert 120"));
        await serverLogs.WhenLogged(1010).WithTimeout();
        Assert.True(serverLogs.Has(1010, "(Local): alert 120"));
    }

    [Fact]
    public async Task PeerGoesSilent_IdleTimeoutLogged()
    {
        var network = new InProcessDatagramNetwork();
        var clientLogs = new CapturingLoggerFactory();
        await using var listener = await QuicTestHost.ListenAsync(network, ["x"]);
        var accept = listener.AcceptConnectionAsync().AsTask();
        var options = QuicTestHost.ClientOptions(listener, ["x"], new ConnectionOptions { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        options.LoggerFactory = clientLogs;
        await using var client = await QuicTestHost.ConnectAsync(network, options).AsTask().WithTimeout();
        await using var server = await accept.WithTimeout();

        network.Loss = 1;
        var info = await client.Closed.WithTimeout();

        Assert.Equal(CloseOrigin.IdleTimeout, info.Origin);
        Assert.True(clientLogs.Has(1009));
        Assert.False(clientLogs.Has(1003));
    }

    [Fact]
    public async Task NoServer_HandshakeTimeoutLoggedAndThrown()
    {
        var network = new InProcessDatagramNetwork();
        var clientLogs = new CapturingLoggerFactory();
        var options = new QuicClientConnectionOptions
        {
            RemoteEndPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.9.9.9"), 443),
            ApplicationProtocols = ["x"],
            CertificateValidation = MoqLive.Quic.Tls.TlsCertificateValidation.None,
            HandshakeTimeout = TimeSpan.FromMilliseconds(300),
            LoggerFactory = clientLogs,
        };

        var e = await Assert.ThrowsAsync<QuicException>(() => QuicTestHost.ConnectAsync(network, options).AsTask().WithTimeout());

        Assert.Equal(QuicError.ConnectionTimeout, e.QuicError);
        Assert.True(clientLogs.Has(1008));
        Assert.False(clientLogs.Has(1009));
    }
}
