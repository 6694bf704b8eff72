using MoqLive.Quic.Core;
using MoqLive.Testing;
using MoqLive.Testing.Quic;

namespace MoqLive.Quic.Tests.Driver;

public sealed class QuicEndpointTests
{
    [Fact]
    public async Task StatelessReset_ServerForgotConnection_ClientSeesReset()
    {
        var network = new InProcessDatagramNetwork();
        await using var listener = await QuicTestHost.ListenAsync(network, ["x"]);
        var accept = listener.AcceptConnectionAsync().AsTask();
        var client = await QuicTestHost.ConnectAsync(network, QuicTestHost.ClientOptions(listener, ["x"])).AsTask().WithTimeout();
        var server = await accept.WithTimeout();

        // The server's CONNECTION_CLOSE is lost; it drains and forgets the connection while the client still has it.
        network.Loss = 1;
        await server.CloseAsync(1);
        await server.Drained.WithTimeout();
        network.Loss = 0;
        try
        {
            var stream = await client.OpenOutboundStreamAsync(QuicStreamType.Unidirectional).AsTask().WithTimeout();
            await stream.WriteAsync("hello"u8.ToArray(), completeWrites: true).AsTask().WithTimeout();
        }
        catch (QuicException)
        {
            // The reset may already have arrived: any packet from the client (an ACK, a probe) draws it.
        }

        var info = await client.Closed.WithTimeout();
        Assert.Equal(CloseOrigin.StatelessReset, info.Origin);
    }

    [Fact]
    public async Task Connect_ListenerRequiresRetry_ConnectsAfterOneRetryAndTransfers()
    {
        var network = new InProcessDatagramNetwork();
        await using var listener = await QuicTestHost.ListenAsync(network, ["x"], requireRetry: true);
        var accept = listener.AcceptConnectionAsync().AsTask();
        await using var client = await QuicTestHost.ConnectAsync(network, QuicTestHost.ClientOptions(listener, ["x"])).AsTask().WithTimeout();
        await using var server = await accept.WithTimeout();

        lock (client.Sync) Assert.Equal(1L, client.Core.Stats.Retries);
        var stream = await client.OpenOutboundStreamAsync(QuicStreamType.Unidirectional).AsTask().WithTimeout();
        await stream.WriteAsync("after retry"u8.ToArray(), completeWrites: true).AsTask().WithTimeout();
        var inbound = await server.AcceptInboundStreamAsync().AsTask().WithTimeout();
        var received = new MemoryStream();
        await inbound.CopyToAsync(received).WithTimeout();
        Assert.Equal("after retry"u8.ToArray(), received.ToArray());
    }

    [Fact]
    public async Task Connect_WrongAlpn_FailsWithTransportError()
    {
        var network = new InProcessDatagramNetwork();
        await using var listener = await QuicTestHost.ListenAsync(network, ["h3"]);

        var e = await Assert.ThrowsAsync<QuicException>(() => QuicTestHost.ConnectAsync(network, QuicTestHost.ClientOptions(listener, ["moqt-19"])).AsTask().WithTimeout());

        Assert.Equal(QuicError.TransportError, e.QuicError);
        Assert.Equal(0x178, e.TransportErrorCode); // crypto error: no_application_protocol (RFC 9001 §8.1)
    }

    [Fact]
    public async Task Connect_WrongPinnedHash_Fails()
    {
        var network = new InProcessDatagramNetwork();
        await using var listener = await QuicTestHost.ListenAsync(network, ["x"]);
        var options = QuicTestHost.ClientOptions(listener, ["x"]);
        options.PinnedCertificateSha256 = [new byte[32]];

        var e = await Assert.ThrowsAsync<QuicException>(() => QuicTestHost.ConnectAsync(network, options).AsTask().WithTimeout());

        Assert.Equal(QuicError.TransportError, e.QuicError);
    }

    [Fact]
    public async Task Connect_NoServer_TimesOut()
    {
        var network = new InProcessDatagramNetwork();
        var options = new QuicClientConnectionOptions
        {
            RemoteEndPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.9.9.9"), 443),
            ApplicationProtocols = ["x"],
            CertificateValidation = MoqLive.Quic.Tls.TlsCertificateValidation.None,
            HandshakeTimeout = TimeSpan.FromMilliseconds(300),
        };

        var e = await Assert.ThrowsAsync<QuicException>(() => QuicTestHost.ConnectAsync(network, options).AsTask().WithTimeout());

        Assert.Equal(QuicError.ConnectionTimeout, e.QuicError);
    }

    [Fact]
    public async Task Transfer_FivePercentLoss_ByteExact()
    {
        var network = new InProcessDatagramNetwork(seed: 7, loss: 0.05);
        await using var listener = await QuicTestHost.ListenAsync(network, ["x"]);
        var accept = listener.AcceptConnectionAsync().AsTask();
        await using var client = await QuicTestHost.ConnectAsync(network, QuicTestHost.ClientOptions(listener, ["x"])).AsTask().WithTimeout();
        await using var server = await accept.WithTimeout();
        byte[] payload = new byte[2 * 1024 * 1024];
        new Random(3).NextBytes(payload);

        var send = await client.OpenOutboundStreamAsync(QuicStreamType.Unidirectional).AsTask().WithTimeout();
        var writer = send.WriteAsync(payload, completeWrites: true).AsTask();
        var receive = await server.AcceptInboundStreamAsync().AsTask().WithTimeout();
        var received = new MemoryStream();
        await receive.CopyToAsync(received).WithTimeout(TestTimeouts.Long);
        await writer.WithTimeout();

        Assert.True(payload.AsSpan().SequenceEqual(received.ToArray()));
    }
}
