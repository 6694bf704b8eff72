using System.Net;
using MoqLive.Quic.Core;
using MoqLive.Testing;
using MoqLive.Testing.Quic;

namespace MoqLive.Quic.Tests.Driver;

public sealed class QuicClientEndpointTests
{
    [Fact]
    public async Task ConnectAsync_ThreeConnectionsThroughOneEndpoint_EachDeliversItsOwnStream()
    {
        var network = new InProcessDatagramNetwork(seed: 5, loss: 0.02, reordering: 0.05);
        await using var listener = await QuicTestHost.ListenAsync(network, ["x"]);
        await using var endpoint = QuicTestHost.BindClientEndpoint(network);

        var (clients, servers) = await ConnectAsync(network, listener, endpoint, 3);

        Assert.All(clients, c => Assert.Equal(endpoint.LocalEndPoint, c.LocalEndPoint));
        for (int i = 0; i < clients.Length; i++)
        {
            Assert.Equal($"connection {i}", await SendAndReceiveAsync(clients[i], servers[i], $"connection {i}"));
        }

        // Routed by connection ID: the server sees one address for all three, yet each stream arrived on its own connection.
        Assert.Single(servers.Select(s => s.RemoteEndPoint).Distinct());
    }

    [Fact]
    public async Task CloseOne_OthersKeepWorking_SocketClosesWithLastUser()
    {
        var network = new InProcessDatagramNetwork();
        await using var listener = await QuicTestHost.ListenAsync(network, ["x"]);
        var endpoint = QuicTestHost.BindClientEndpoint(network);
        var (clients, servers) = await ConnectAsync(network, listener, endpoint, 3);

        await clients[0].CloseAsync(7, "done");
        Assert.Equal(7L, (long)(await servers[0].Closed.WithTimeout()).ErrorCode);
        await clients[0].Drained.WithTimeout(TestTimeouts.Long);

        // The others still work after the first drained and left the endpoint's routes.
        Assert.Equal("after close 1", await SendAndReceiveAsync(clients[1], servers[1], "after close 1"));
        Assert.Equal("after close 2", await SendAndReceiveAsync(clients[2], servers[2], "after close 2"));
        Assert.False(clients[1].Closed.IsCompleted || clients[2].Closed.IsCompleted);

        // Disposing the endpoint stops new connections but leaves the socket to the connections still using it.
        await endpoint.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => endpoint.ConnectAsync(QuicTestHost.ClientOptions(listener, ["x"])).AsTask());
        Assert.Equal("after dispose", await SendAndReceiveAsync(clients[1], servers[1], "after dispose"));
        Assert.False(endpoint.Completion.IsCompleted);

        await clients[1].CloseAsync(0);
        await clients[2].CloseAsync(0);
        await Task.WhenAll(clients[1].Drained, clients[2].Drained).WithTimeout(TestTimeouts.Long);
        await endpoint.Completion.WithTimeout(); // the last user left: the receive loop stopped and the socket closed
    }

    [Fact]
    public async Task Dispatch_UnknownConnectionId_ShortHeaderGetsStatelessResetLongHeaderDropped()
    {
        var network = new InProcessDatagramNetwork();
        await using var listener = await QuicTestHost.ListenAsync(network, ["x"]);
        await using var endpoint = QuicTestHost.BindClientEndpoint(network);
        var (clients, servers) = await ConnectAsync(network, listener, endpoint, 1);
        using var stranger = network.Bind(new IPEndPoint(IPAddress.Parse("10.0.0.9"), 0));
        var random = new Random(11);

        // A long-header packet for an unknown connection: a client endpoint accepts no connections, so no answer
        // (RFC 9000 §10.3 answers only short headers; §6 Version Negotiation is a server's).
        byte[] longHeader = new byte[1200];
        random.NextBytes(longHeader);
        longHeader[0] = 0xc0;
        longHeader.AsSpan(1, 4).Clear();
        longHeader[4] = 1;
        longHeader[5] = 8;
        Assert.True(stranger.Send(longHeader, endpoint.LocalEndPoint));
        // A short-header packet for an unknown connection ID: a Stateless Reset, shorter than the trigger (§10.3.3).
        byte[] shortHeader = new byte[100];
        random.NextBytes(shortHeader);
        shortHeader[0] = 0x41;
        Assert.True(stranger.Send(shortHeader, endpoint.LocalEndPoint));

        byte[] buffer = new byte[2048];
        var reply = await stranger.ReceiveAsync(buffer, CancellationToken.None).AsTask().WithTimeout();

        // Datagrams from one sender arrive in order, so the first reply answers the short header: nothing answered the long one.
        Assert.InRange(reply.Length, 21, shortHeader.Length - 1);
        Assert.Equal(0x40, buffer[0] & 0xc0);
        Assert.Equal("still routed", await SendAndReceiveAsync(clients[0], servers[0], "still routed"));
    }

    [Fact]
    public async Task ConnectAsync_ForeignLocalEndPointOrConnectionOptions_Throws()
    {
        var network = new InProcessDatagramNetwork();
        await using var listener = await QuicTestHost.ListenAsync(network, ["x"]);
        await using var endpoint = QuicTestHost.BindClientEndpoint(network);

        var withLocal = QuicTestHost.ClientOptions(listener, ["x"]);
        withLocal.LocalEndPoint = new IPEndPoint(IPAddress.Any, 0);
        var withOptions = QuicTestHost.ClientOptions(listener, ["x"], QuicDefaults.ConnectionOptions with { ConnectionIdLength = 12 });

        await Assert.ThrowsAsync<ArgumentException>(() => endpoint.ConnectAsync(withLocal).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => endpoint.ConnectAsync(withOptions).AsTask());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReadAsync_CompleteReadsOnReceiveThread_WaitingReaderResumesOnReceiveThreadOnlyWhenAsked(bool inline)
    {
        var network = new InProcessDatagramNetwork { ThreadedSockets = true }; // the client endpoint gets its receive thread
        await using var listener = await QuicTestHost.ListenAsync(network, ["x"]);
        await using var endpoint = QuicTestHost.BindClientEndpoint(network, completeReadsOnReceiveThread: inline);
        var (clients, servers) = await ConnectAsync(network, listener, endpoint, 1);
        var send = await servers[0].OpenOutboundStreamAsync(QuicStreamType.Unidirectional).AsTask().WithTimeout();
        await send.WriteAsync("0"u8.ToArray(), completeWrites: false).AsTask().WithTimeout();
        var receive = await clients[0].AcceptInboundStreamAsync().AsTask().WithTimeout();
        byte[] buffer = new byte[16];
        await receive.ReadAsync(buffer).AsTask().WithTimeout();

        // Each round the reader waits first, then the server writes: the datagram's arrival wakes it.
        var resumedOn = new List<string?>();
        for (int round = 1; round <= 5; round++)
        {
            var read = ReadOnThreadAsync(receive, buffer);
            await send.WriteAsync(new[] { (byte)('0' + round) }, completeWrites: false).AsTask().WithTimeout();
            var (n, thread) = await read.WithTimeout();
            Assert.Equal(1, n);
            Assert.Equal((byte)('0' + round), buffer[0]);
            resumedOn.Add(thread);
        }

        // The thread pool resumes readers unless asked; asked, the receive thread does (a timer of the connection can
        // wake one through the pool in between, hence "any" rather than "all").
        bool onReceiveThread(string? name) => name?.StartsWith("QUIC receive", StringComparison.Ordinal) == true;
        if (inline) Assert.Contains(resumedOn, onReceiveThread);
        else Assert.DoesNotContain(resumedOn, onReceiveThread);
    }

    [Fact]
    public async Task RunTimersOnReceiveThread_PeerGoesSilent_IdleTimeoutFiresWhileTheReceiveThreadSleeps()
    {
        // Nothing arrives, so only the receive thread's own wake-up for the earliest timer can close the connection.
        var network = new InProcessDatagramNetwork { ThreadedSockets = true };
        var options = QuicDefaults.ConnectionOptions with { IdleTimeout = TimeSpan.FromMilliseconds(300) };
        await using var listener = await QuicTestHost.ListenAsync(network, ["x"]);
        await using var endpoint = QuicTestHost.BindClientEndpoint(network, options, completeReadsOnReceiveThread: true, runTimersOnReceiveThread: true);
        var accept = listener.AcceptConnectionAsync().AsTask();
        await using var client = await endpoint.ConnectAsync(QuicTestHost.ClientOptions(listener, ["x"], options)).AsTask().WithTimeout();
        await using var server = await accept.WithTimeout();

        network.Loss = 1;
        var info = await client.Closed.WithTimeout(TestTimeouts.Long);
        Assert.Equal(CloseOrigin.IdleTimeout, info.Origin);
    }

    [Fact]
    public async Task RunTimersOnReceiveThread_LossyNetwork_WritesFromAnotherThreadAreRecovered()
    {
        // The writes (and the loss-detection and PTO timers they set) come from the test's threads, while the receive
        // thread may sleep: lost packets are only resent if those timers fire.
        var network = new InProcessDatagramNetwork(seed: 7) { ThreadedSockets = true };
        await using var listener = await QuicTestHost.ListenAsync(network, ["x"]);
        await using var endpoint = QuicTestHost.BindClientEndpoint(network, completeReadsOnReceiveThread: true, runTimersOnReceiveThread: true);
        var (clients, servers) = await ConnectAsync(network, listener, endpoint, 2);
        network.Loss = 0.2;

        var texts = new[] { new string('a', 20_000), new string('b', 20_000) };
        var received = await Task.WhenAll(texts.Select((t, i) => SendAndReceiveAsync(clients[i], servers[i], t))).WithTimeout(TestTimeouts.Long);
        Assert.Equal(texts, received);
        Assert.True(network.Dropped > 0);
    }

    /// <summary>Reads once and returns the count and the thread the read's continuation ran on.</summary>
    private static async Task<(int Read, string? Thread)> ReadOnThreadAsync(QuicStream stream, byte[] buffer)
    {
        int n = await stream.ReadAsync(buffer).ConfigureAwait(false);
        return (n, Thread.CurrentThread.Name);
    }

    private static async Task<(QuicConnection[] Clients, QuicConnection[] Servers)> ConnectAsync(
        InProcessDatagramNetwork network, QuicListener listener, QuicClientEndpoint endpoint, int count)
    {
        var clients = new QuicConnection[count];
        var servers = new QuicConnection[count];
        for (int i = 0; i < count; i++)
        {
            var accept = listener.AcceptConnectionAsync().AsTask();
            clients[i] = await endpoint.ConnectAsync(QuicTestHost.ClientOptions(listener, ["x"])).AsTask().WithTimeout();
            servers[i] = await accept.WithTimeout();
        }
        network.Flush();
        return (clients, servers);
    }

    /// <summary>Sends <paramref name="text"/> on a new unidirectional stream and returns what the server read from the stream it accepted.</summary>
    private static async Task<string> SendAndReceiveAsync(QuicConnection client, QuicConnection server, string text)
    {
        var stream = await client.OpenOutboundStreamAsync(QuicStreamType.Unidirectional).AsTask().WithTimeout();
        await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), completeWrites: true).AsTask().WithTimeout();
        var inbound = await server.AcceptInboundStreamAsync().AsTask().WithTimeout(TestTimeouts.Long);
        var received = new MemoryStream();
        await inbound.CopyToAsync(received).WithTimeout(TestTimeouts.Long);
        return System.Text.Encoding.UTF8.GetString(received.ToArray());
    }
}
