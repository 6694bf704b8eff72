using MoqLive.Http3.Tests.Connection;
using MoqLive.Http3.WebTransport;
using MoqLive.Testing;
using MoqLive.Transport;

namespace MoqLive.Http3.Tests.WebTransport;

public sealed class WebTransportListenerTests
{
    private static Task<Http3TestPair> StartAsync(WebTransportListener listener) => Http3TestPair.StartAsync(
        new Http3Router().Map("/moq", listener.HandleAsync).HandleAsync,
        serverOptions: new Http3ConnectionOptions { AdditionalSettings = WebTransportSettings.Server() },
        clientOptions: new Http3ConnectionOptions { AdditionalSettings = WebTransportSettings.Client() });

    [Fact]
    public async Task Accept_PicksServerPreferredCommonProtocol()
    {
        await using var listener = new WebTransportListener(new WebTransportListenerOptions { Protocols = ["moqt-19", "moqt-18"] });
        await using Http3TestPair pair = await StartAsync(listener);

        WebTransportSession client = await pair.Client!.ConnectWebTransportAsync("relay.test", "/moq", ["moqt-18", "moqt-19"]).WithTimeout();
        ITransportSession server = await listener.AcceptSessionAsync().WithTimeout();

        Assert.Equal("moqt-19", client.Protocol);
        Assert.Equal("moqt-19", server.Protocol);
        ITransportSendStream stream = await server.OpenUnidirectionalStreamAsync().WithTimeout();
        await stream.WriteAsync("hi"u8.ToArray(), endStream: true).WithTimeout();
        Assert.Equal("hi"u8.ToArray(), await (await client.AcceptUnidirectionalStreamAsync().WithTimeout()).ReadToEndAsync().WithTimeout());
    }

    [Fact]
    public async Task Accept_NoCommonProtocol_Refused()
    {
        await using var listener = new WebTransportListener(new WebTransportListenerOptions { Protocols = ["moqt-19"] });
        await using Http3TestPair pair = await StartAsync(listener);

        var ex = await Assert.ThrowsAsync<Http3Exception>(() => pair.Client!.ConnectWebTransportAsync("relay.test", "/moq", ["moqt-14"]).AsTask()).WithTimeout();

        Assert.Contains("400", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionClose_EndsSessionsOnBothSides()
    {
        await using var listener = new WebTransportListener();
        await using Http3TestPair pair = await StartAsync(listener);
        WebTransportSession client = await pair.Client!.ConnectWebTransportAsync("relay.test", "/moq").WithTimeout();
        ITransportSession server = await listener.AcceptSessionAsync().WithTimeout();
        Task<ITransportStream> pendingAccept = client.AcceptBidirectionalStreamAsync().AsTask();

        await pair.Server.CloseAsync(Http3ErrorCode.NoError, "bye").AsTask().WithTimeout();

        TransportCloseInfo atClient = await client.Closed.WithTimeout();
        Assert.True(atClient.ClosedByPeer);
        await server.Closed.WithTimeout();
        await Assert.ThrowsAsync<TransportSessionClosedException>(() => pendingAccept).WithTimeout();
    }

    [Fact]
    public async Task FinishedStreams_AreForgotten()
    {
        await using var listener = new WebTransportListener();
        await using Http3TestPair pair = await StartAsync(listener);
        WebTransportSession client = await pair.Client!.ConnectWebTransportAsync("relay.test", "/moq").WithTimeout();
        var server = (WebTransportSession)await listener.AcceptSessionAsync().WithTimeout();

        ITransportStream stream = await client.OpenBidirectionalStreamAsync().WithTimeout();
        await stream.WriteAsync("a"u8.ToArray(), endStream: true).WithTimeout();
        ITransportStream atServer = await server.AcceptBidirectionalStreamAsync().WithTimeout();
        Assert.Equal("a"u8.ToArray(), await atServer.ReadToEndAsync().WithTimeout());
        await atServer.WriteAsync("b"u8.ToArray(), endStream: true).WithTimeout();
        Assert.Equal("b"u8.ToArray(), await stream.ReadToEndAsync().WithTimeout());
        await Task.WhenAll(stream.ReadsClosed, stream.WritesClosed, atServer.ReadsClosed, atServer.WritesClosed).WithTimeout();

        for (int i = 0; i < 100 && (client.TrackedStreamCount > 0 || server.TrackedStreamCount > 0); i++)
            await Task.Yield();
        Assert.Equal(0, client.TrackedStreamCount);
        Assert.Equal(0, server.TrackedStreamCount);
    }
}
