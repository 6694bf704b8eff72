using System.Net;
using System.Security.Cryptography;
using MoqLive.Quic;
using MoqLive.Quic.Internal;
using MoqLive.Quic.Tls;
using MoqLive.Testing;

namespace MoqLive.E2E.Tests.Quic;

/// <summary>
/// Path MTU discovery (RFC 9000 §14.3), on by default, over real UDP sockets on 127.0.0.1, whose 64 KiB MTU lets probes
/// succeed: the driver sends probes alone with DF set, the packet size grows up to what the route's MTU allows (IP_MTU),
/// and the data still arrives byte-exact.
/// </summary>
public sealed class PathMtuDiscoveryTests
{
    private static readonly Lazy<TlsServerCertificate> s_certificate = new(() =>
        TlsServerCertificate.FromCertificate(SelfSignedCertificate.Create(DateTimeOffset.UtcNow)));

    [Fact]
    public async Task Transfer_OverLoopback_RaisesPacketSize_ByteExact()
    {
        var settings = QuicDefaults.ConnectionOptions;
        int route = RouteMtu.Query(new IPEndPoint(IPAddress.Loopback, 9)) ?? 0;
        Assert.InRange(route, QuicDefaults.MaxUdpPayloadSize + 1, 65507); // loopback's MTU is 64 KiB unless lowered
        await using var listener = await QuicListener.ListenAsync(new QuicListenerOptions
        {
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            ApplicationProtocols = ["pmtud-test"],
            ServerCertificate = s_certificate.Value,
            ConnectionOptions = settings,
        });
        var accept = listener.AcceptConnectionAsync().AsTask();
        await using var client = await QuicConnection.ConnectAsync(new QuicClientConnectionOptions
        {
            RemoteEndPoint = listener.LocalEndPoint,
            ServerName = "localhost",
            ApplicationProtocols = ["pmtud-test"],
            CertificateValidation = TlsCertificateValidation.PinnedSha256,
            PinnedCertificateSha256 = [s_certificate.Value.LeafSha256],
            ConnectionOptions = settings,
        }).AsTask().WithTimeout();
        await using var server = await accept.WithTimeout();

        byte[] data = new byte[16 * 1024 * 1024];
        new Random(7).NextBytes(data);
        var receive = Task.Run(async () =>
        {
            var stream = await server.AcceptInboundStreamAsync(QuicStreamType.Unidirectional);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                total += n;
            }
            return (total, hash.GetHashAndReset());
        });
        var send = await client.OpenOutboundStreamAsync(QuicStreamType.Unidirectional).AsTask().WithTimeout();
        for (int offset = 0; offset < data.Length; offset += 256 * 1024)
        {
            await send.WriteAsync(data.AsMemory(offset, 256 * 1024), completeWrites: offset + 256 * 1024 == data.Length).AsTask().WithTimeout();
        }

        var (received, digest) = await receive.WithTimeout(TimeSpan.FromMinutes(2));
        Assert.Equal(data.Length, received);
        Assert.Equal(SHA256.HashData(data), digest);
        int size;
        long probes;
        lock (client.Sync)
        {
            size = client.Core.MaxUdpPayloadSize;
            probes = client.Core.Stats.MtuProbesSent;
        }
        Assert.True(probes > 0, "no path MTU probe was sent");
        Assert.True(size > QuicDefaults.MaxUdpPayloadSize, $"the packet size stayed {size} on loopback");
        Assert.True(size <= route, $"the packet size {size} exceeds the route's {route}");
    }
}
