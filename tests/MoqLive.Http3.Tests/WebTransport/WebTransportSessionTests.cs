using MoqLive.Http3.Tests.Connection;
using MoqLive.Http3.WebTransport;
using MoqLive.Testing;
using MoqLive.Transport;

namespace MoqLive.Http3.Tests.WebTransport;

public sealed class WebTransportSessionTests
{
    private sealed class Fixture : IAsyncDisposable
    {
        private readonly Http3TestPair _pair;

        private Fixture(Http3TestPair pair, WebTransportSession client, WebTransportSession server)
        {
            _pair = pair;
            Client = client;
            Server = server;
        }

        public WebTransportSession Client { get; }

        public WebTransportSession Server { get; }

        public TaskCompletionSource HandlerDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public static async Task<Fixture> StartAsync()
        {
            var accepted = new TaskCompletionSource<WebTransportSession>(TaskCreationOptions.RunContinuationsAsynchronously);
            TaskCompletionSource? done = null;
            var router = new Http3Router().Map("/moq", async (request, response, ct) =>
            {
                Assert.True(request.IsWebTransport);
                string? protocol = request.WebTransportAvailableProtocols.FirstOrDefault();
                WebTransportSession session = await request.AcceptWebTransportAsync(response, protocol, ct);
                accepted.TrySetResult(session);
                await session.Closed.WaitAsync(ct);
                done?.TrySetResult();
            });
            Http3TestPair pair = await Http3TestPair.StartAsync(
                router.HandleAsync,
                serverOptions: new Http3ConnectionOptions { AdditionalSettings = WebTransportSettings.Server() },
                clientOptions: new Http3ConnectionOptions { AdditionalSettings = WebTransportSettings.Client() });
            WebTransportSession client = await pair.Client!.ConnectWebTransportAsync(
                "relay.test", "/moq", ["moqt-19", "moqt-18"], origin: "https://relay.test").WithTimeout();
            WebTransportSession server = await accepted.Task.WithTimeout();
            var fixture = new Fixture(pair, client, server);
            done = fixture.HandlerDone;
            return fixture;
        }

        public async ValueTask DisposeAsync() => await _pair.DisposeAsync();
    }

    [Fact]
    public async Task Connect_NegotiatesProtocolAndSessionId()
    {
        await using Fixture f = await Fixture.StartAsync();

        Assert.Equal("moqt-19", f.Client.Protocol);
        Assert.Equal("moqt-19", f.Server.Protocol);
        Assert.Equal(0, f.Client.SessionId);
        Assert.Equal(0, f.Server.SessionId);
    }

    [Fact]
    public async Task BidirectionalStreams_BothDirections_CarryData()
    {
        await using Fixture f = await Fixture.StartAsync();

        ITransportStream fromClient = await f.Client.OpenBidirectionalStreamAsync().WithTimeout();
        await fromClient.WriteAsync("ping"u8.ToArray(), endStream: true).WithTimeout();
        ITransportStream atServer = await f.Server.AcceptBidirectionalStreamAsync().WithTimeout();
        Assert.Equal("ping"u8.ToArray(), await atServer.ReadToEndAsync().WithTimeout());
        await atServer.WriteAsync("pong"u8.ToArray(), endStream: true).WithTimeout();
        Assert.Equal("pong"u8.ToArray(), await fromClient.ReadToEndAsync().WithTimeout());

        ITransportStream fromServer = await f.Server.OpenBidirectionalStreamAsync().WithTimeout();
        await fromServer.WriteAsync("hello"u8.ToArray(), endStream: true).WithTimeout();
        ITransportStream atClient = await f.Client.AcceptBidirectionalStreamAsync().WithTimeout();
        Assert.Equal("hello"u8.ToArray(), await atClient.ReadToEndAsync().WithTimeout());
        Assert.Equal(fromServer.Id, atClient.Id);
    }

    [Fact]
    public async Task UnidirectionalStreams_BothDirections_CarryData()
    {
        await using Fixture f = await Fixture.StartAsync();
        byte[] big = new byte[200_000];
        new Random(5).NextBytes(big);

        ITransportSendStream up = await f.Client.OpenUnidirectionalStreamAsync().WithTimeout();
        Task write = up.WriteAsync(big, endStream: true).AsTask();
        ITransportReceiveStream upAtServer = await f.Server.AcceptUnidirectionalStreamAsync().WithTimeout();
        Assert.Equal(big, await upAtServer.ReadToEndAsync().WithTimeout(TestTimeouts.Long));
        await write.WithTimeout();

        ITransportSendStream down = await f.Server.OpenUnidirectionalStreamAsync().WithTimeout();
        await down.WriteAsync("down"u8.ToArray(), endStream: true).WithTimeout();
        ITransportReceiveStream downAtClient = await f.Client.AcceptUnidirectionalStreamAsync().WithTimeout();
        Assert.Equal("down"u8.ToArray(), await downAtClient.ReadToEndAsync().WithTimeout());
    }

    [Fact]
    public async Task Datagrams_BothDirections_CarryQuarterStreamIdPrefix()
    {
        await using Fixture f = await Fixture.StartAsync();

        Assert.True(f.Client.MaxDatagramSize > 1000);
        Assert.True(f.Client.SendDatagram("up"u8));
        Assert.Equal("up"u8.ToArray(), (await f.Server.ReceiveDatagramAsync().WithTimeout()).ToArray());
        Assert.True(f.Server.SendDatagram("down"u8));
        Assert.Equal("down"u8.ToArray(), (await f.Client.ReceiveDatagramAsync().WithTimeout()).ToArray());
    }

    [Fact]
    public async Task StreamReset_ApplicationCodeIsMapped()
    {
        await using Fixture f = await Fixture.StartAsync();

        ITransportStream stream = await f.Client.OpenBidirectionalStreamAsync().WithTimeout();
        await stream.WriteAsync("x"u8.ToArray()).WithTimeout();
        ITransportStream atServer = await f.Server.AcceptBidirectionalStreamAsync().WithTimeout();
        stream.Reset(7);

        var aborted = Assert.IsType<TransportStreamAbortedException>(await atServer.ReadUntilFailureAsync().WithTimeout());
        Assert.Equal(7UL, aborted.ErrorCode);
    }

    [Fact]
    public async Task ClientClose_ServerSeesCodeAndReason_StreamsAborted()
    {
        await using Fixture f = await Fixture.StartAsync();
        ITransportStream stream = await f.Server.OpenBidirectionalStreamAsync().WithTimeout();
        await stream.WriteAsync("x"u8.ToArray()).WithTimeout();
        ITransportStream atClient = await f.Client.AcceptBidirectionalStreamAsync().WithTimeout();

        await f.Client.CloseAsync(42, "bye").AsTask().WithTimeout();

        TransportCloseInfo info = await f.Server.Closed.WithTimeout();
        Assert.Equal(new TransportCloseInfo(42, "bye", ClosedByPeer: true), info);
        TransportCloseInfo local = await f.Client.Closed.WithTimeout();
        Assert.False(local.ClosedByPeer);
        await f.HandlerDone.Task.WithTimeout();
        Assert.IsType<TransportSessionClosedException>(await atClient.ReadUntilFailureAsync().WithTimeout());
        await Assert.ThrowsAsync<TransportSessionClosedException>(() => f.Client.OpenUnidirectionalStreamAsync().AsTask()).WithTimeout();
        await Assert.ThrowsAsync<TransportSessionClosedException>(() => f.Server.AcceptBidirectionalStreamAsync().AsTask()).WithTimeout();
    }

    [Fact]
    public async Task ServerClose_ClientSeesCodeAndConnectionStaysUp()
    {
        await using Fixture f = await Fixture.StartAsync();

        await f.Server.CloseAsync(3, "done").AsTask().WithTimeout();

        Assert.Equal(new TransportCloseInfo(3, "done", ClosedByPeer: true), await f.Client.Closed.WithTimeout());
        await Assert.ThrowsAsync<TransportSessionClosedException>(() => f.Client.ReceiveDatagramAsync().AsTask()).WithTimeout();
    }

    [Fact]
    public async Task Drain_PeerSeesDraining()
    {
        await using Fixture f = await Fixture.StartAsync();

        await f.Server.DrainAsync().AsTask().WithTimeout();

        await f.Client.Draining.WithTimeout();
        Assert.False(f.Client.Closed.IsCompleted);
    }

    [Fact]
    public async Task Connect_ServerWithoutWebTransport_Throws()
    {
        await using Http3TestPair pair = await Http3TestPair.StartAsync(
            new Http3Router().HandleAsync,
            clientOptions: new Http3ConnectionOptions { AdditionalSettings = WebTransportSettings.Client() });

        await Assert.ThrowsAsync<Http3Exception>(() => pair.Client!.ConnectWebTransportAsync("a", "/moq").AsTask()).WithTimeout();
    }

    [Fact]
    public async Task Connect_UnknownPath_Throws404()
    {
        await using Http3TestPair pair = await Http3TestPair.StartAsync(
            new Http3Router().HandleAsync,
            serverOptions: new Http3ConnectionOptions { AdditionalSettings = WebTransportSettings.Server() },
            clientOptions: new Http3ConnectionOptions { AdditionalSettings = WebTransportSettings.Client() });

        var ex = await Assert.ThrowsAsync<Http3Exception>(() => pair.Client!.ConnectWebTransportAsync("a", "/nope").AsTask()).WithTimeout();

        Assert.Contains("404", ex.Message, StringComparison.Ordinal);
    }
}
