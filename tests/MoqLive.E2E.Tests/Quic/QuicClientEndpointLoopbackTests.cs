using System.Net;
using MoqLive.Quic;
using MoqLive.Quic.Tls;
using MoqLive.Testing;

namespace MoqLive.E2E.Tests.Quic;

/// <summary><see cref="QuicClientEndpoint"/> over real UDP on 127.0.0.1: several connections through one socket and its receive thread.</summary>
public sealed class QuicClientEndpointLoopbackTests
{
    private static readonly Lazy<TlsServerCertificate> s_certificate = new(() =>
        TlsServerCertificate.FromCertificate(SelfSignedCertificate.Create(DateTimeOffset.UtcNow)));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConnectAsync_FourConnectionsOneSocket_EachEchoesItsOwnData(bool completeReadsOnReceiveThread)
    {
        await using var listener = await QuicListener.ListenAsync(new QuicListenerOptions
        {
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            ApplicationProtocols = ["echo"],
            ServerCertificate = s_certificate.Value,
        });
        var echo = EchoAsync(listener, 4);
        var endpoint = QuicClientEndpoint.Bind(new QuicClientEndpointOptions
        {
            LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            CompleteReadsOnReceiveThread = completeReadsOnReceiveThread,
        });
        var clients = new List<QuicConnection>();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                clients.Add(await endpoint.ConnectAsync(new QuicClientConnectionOptions
                {
                    RemoteEndPoint = listener.LocalEndPoint,
                    ServerName = "localhost",
                    ApplicationProtocols = ["echo"],
                    CertificateValidation = TlsCertificateValidation.PinnedSha256,
                    PinnedCertificateSha256 = [s_certificate.Value.LeafSha256],
                }).AsTask().WithTimeout());
            }

            Assert.All(clients, c => Assert.Equal(endpoint.LocalEndPoint, c.LocalEndPoint));
            // 256 KiB each, concurrently: many datagrams of four connections interleave on the one socket.
            var payloads = Enumerable.Range(0, 4).Select(i =>
            {
                var bytes = new byte[256 * 1024];
                new Random(i).NextBytes(bytes);
                return bytes;
            }).ToArray();
            var echoed = await Task.WhenAll(clients.Select((c, i) => RoundTripAsync(c, payloads[i]))).WaitAsync(TestTimeouts.Long);
            for (int i = 0; i < 4; i++) Assert.True(payloads[i].AsSpan().SequenceEqual(echoed[i]), $"connection {i} got other bytes back");

            // One closes; the others still echo.
            await clients[0].CloseAsync(0);
            var again = await RoundTripAsync(clients[1], payloads[1]).WaitAsync(TestTimeouts.Long);
            Assert.True(payloads[1].AsSpan().SequenceEqual(again));
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
            await endpoint.DisposeAsync();
        }

        await echo.WaitAsync(TestTimeouts.Long);
    }

    private static async Task<byte[]> RoundTripAsync(QuicConnection connection, byte[] payload)
    {
        var stream = await connection.OpenOutboundStreamAsync(QuicStreamType.Bidirectional);
        var write = stream.WriteAsync(payload, completeWrites: true).AsTask();
        var received = new MemoryStream();
        await stream.CopyToAsync(received);
        await write;
        return received.ToArray();
    }

    /// <summary>Accepts <paramref name="count"/> connections and echoes every bidirectional stream on them.</summary>
    private static async Task EchoAsync(QuicListener listener, int count)
    {
        var serving = new List<Task>();
        for (int i = 0; i < count; i++)
        {
            var connection = await listener.AcceptConnectionAsync();
            serving.Add(ServeAsync(connection));
        }

        await Task.WhenAll(serving);
    }

    private static async Task ServeAsync(QuicConnection connection)
    {
        try
        {
            while (true)
            {
                var stream = await connection.AcceptInboundStreamAsync();
                _ = Task.Run(async () =>
                {
                    await stream.CopyToAsync(stream);
                    await stream.WriteAsync(ReadOnlyMemory<byte>.Empty, completeWrites: true);
                });
            }
        }
        catch (QuicException)
        {
            // The client closed the connection.
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }
}
