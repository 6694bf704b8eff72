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

        await Poll.UntilAsync(() => client.TrackedStreamCount == 0 && server.TrackedStreamCount == 0);
        Assert.Equal(0, client.TrackedStreamCount);
        Assert.Equal(0, server.TrackedStreamCount);
    }

    private static Task<Http3TestPair> StartAsync(WebTransportListener listener, Http3ConnectionOptions clientOptions) => Http3TestPair.StartAsync(
        new Http3Router().Map("/moq", listener.HandleAsync).HandleAsync,
        serverOptions: new Http3ConnectionOptions { AdditionalSettings = WebTransportSettings.Server() },
        clientOptions: clientOptions);

    [Theory]
    [InlineData("https://app.test", true)]
    [InlineData("HTTPS://APP.TEST/", true)]
    [InlineData("https://other.test", false)]
    [InlineData("http://app.test", false)]
    [InlineData(null, true)]
    public async Task AllowedOrigins_AllowedOrAbsentAccepted_ForeignRefused403(string? origin, bool accepted)
    {
        await using var listener = new WebTransportListener(new WebTransportListenerOptions
        {
            Protocols = ["moqt-19"],
            AllowedOrigins = ["https://app.test", "https://localhost:4443/"],
        });
        await using Http3TestPair pair = await StartAsync(listener);

        if (accepted)
        {
            // A page from an allowed origin, or a native client that sends no origin at all.
            WebTransportSession client = await pair.Client!.ConnectWebTransportAsync("relay.test", "/moq", ["moqt-19"], origin).WithTimeout();
            ITransportSession server = await listener.AcceptSessionAsync().WithTimeout();
            Assert.Equal("moqt-19", client.Protocol);
            Assert.Equal("moqt-19", server.Protocol);
        }
        else
        {
            var ex = await Assert.ThrowsAsync<Http3Exception>(() => pair.Client!.ConnectWebTransportAsync("relay.test", "/moq", ["moqt-19"], origin).AsTask()).WithTimeout();
            Assert.Contains("403", ex.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<OperationCanceledException>(() => listener.AcceptSessionAsync(new CancellationTokenSource(TimeSpan.FromMilliseconds(100)).Token).AsTask());
        }
    }

    [Fact]
    public async Task NoProtocolOffered_AcceptedWithoutProtocol()
    {
        await using var listener = new WebTransportListener(new WebTransportListenerOptions { Protocols = ["moqt-19"] });
        await using Http3TestPair pair = await StartAsync(listener);

        WebTransportSession client = await pair.Client!.ConnectWebTransportAsync("relay.test", "/moq").WithTimeout();
        ITransportSession server = await listener.AcceptSessionAsync().WithTimeout();

        Assert.Null(client.Protocol);
        Assert.Null(server.Protocol);
    }

    [Fact]
    public async Task PlainRequestOnSessionPath_Refused400()
    {
        await using var listener = new WebTransportListener();
        await using Http3TestPair pair = await StartAsync(listener);

        await using Http3ClientResponse response = await pair.Client!.SendRequestAsync(new Http3ClientRequest
        {
            Method = "GET",
            Authority = "relay.test",
            Path = "/moq",
        }).WithTimeout();

        Assert.Equal(400, response.StatusCode);
    }

    [Fact]
    public async Task DatagramQueueFull_DropsOldestAndCountsThem()
    {
        await using var listener = new WebTransportListener();
        await using Http3TestPair pair = await StartAsync(listener, new Http3ConnectionOptions
        {
            AdditionalSettings = WebTransportSettings.Client(),
            WebTransportDatagramQueueCapacity = 4,
        });
        WebTransportSession client = await pair.Client!.ConnectWebTransportAsync("relay.test", "/moq").WithTimeout();
        ITransportSession server = await listener.AcceptSessionAsync().WithTimeout();

        for (int i = 0; i < 10; i++)
            Assert.True(server.SendDatagram([(byte)i]));
        await Poll.UntilAsync(() => client.DatagramsDropped == 6);

        // RFC 9221 §5: unreliable; the queue keeps the newest (live media wants the latest) and counts what it dropped.
        for (int i = 6; i < 10; i++)
            Assert.Equal([(byte)i], (await client.ReceiveDatagramAsync().WithTimeout()).ToArray());
        Assert.Equal(6, client.DatagramsDropped);
    }
}
