using System.Buffers;
using System.Text;
using MoqLive.Testing;
using MoqLive.Transport;

namespace MoqLive.Http3.Tests.Connection;

public sealed class Http3RequestTests
{
    private static readonly byte[] s_megabyte = CreateBody(1024 * 1024);

    private static byte[] CreateBody(int length)
    {
        var body = new byte[length];
        new Random(1).NextBytes(body);
        return body;
    }

    private static Http3Router CreateRouter() => new Http3Router()
        .Map("/big", async (request, response, ct) =>
        {
            response.Headers.Add(new("content-type", "application/octet-stream"));
            response.Headers.Add(new("content-length", s_megabyte.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            for (int offset = 0; offset < s_megabyte.Length; offset += 16 * 1024)
                await response.Body.WriteAsync(s_megabyte.AsMemory(offset, Math.Min(16 * 1024, s_megabyte.Length - offset)), ct);
        })
        .Map("/echo", async (request, response, ct) =>
        {
            var body = new MemoryStream();
            await request.Body.CopyToAsync(body, ct);
            response.Headers.Add(new("x-method", request.Method));
            response.Headers.Add(new("x-trailer", request.Trailers?.FirstOrDefault().Value ?? "none"));
            await response.WriteAsync(body.ToArray(), ct);
            await response.CompleteAsync([new("x-length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))], ct);
        })
        .Map("/hello", async (request, response, ct) =>
        {
            response.Headers.Add(new("content-type", "text/plain"));
            await response.WriteAsync(Encoding.UTF8.GetBytes($"hello {request.GetHeader("x-name")} on {request.Path}"), ct);
        })
        .Map("/fail", (_, _, _) => throw new InvalidOperationException("handler bug"));

    private static async Task<byte[]> ReadAllAsync(Http3ClientResponse response)
    {
        var output = new MemoryStream();
        await response.Body.CopyToAsync(output).WithTimeout(TestTimeouts.Long);
        return output.ToArray();
    }

    private static Http3ClientRequest Get(string path, params HeaderField[] headers) =>
        new() { Authority = "relay.test", Path = path, Headers = headers };

    [Fact]
    public async Task Get_OneMegabyteBody_ArrivesIntact()
    {
        await using Http3TestPair pair = await Http3TestPair.StartAsync(CreateRouter().HandleAsync);

        await using Http3ClientResponse response = await pair.Client!.SendRequestAsync(Get("/big")).WithTimeout();
        byte[] body = await ReadAllAsync(response);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/octet-stream", response.GetHeader("content-type"));
        Assert.Equal(s_megabyte, body);
    }

    [Fact]
    public async Task Get_UnknownPath_Returns404()
    {
        await using Http3TestPair pair = await Http3TestPair.StartAsync(CreateRouter().HandleAsync);

        await using Http3ClientResponse response = await pair.Client!.SendRequestAsync(Get("/nothing-here?x=1")).WithTimeout();

        Assert.Equal(404, response.StatusCode);
        Assert.Empty(await ReadAllAsync(response));
    }

    [Fact]
    public async Task Get_PathWithQuery_RoutesOnPathAndSeesHeaders()
    {
        await using Http3TestPair pair = await Http3TestPair.StartAsync(CreateRouter().HandleAsync);

        await using Http3ClientResponse response = await pair.Client!.SendRequestAsync(Get("/hello?q=1", new HeaderField("x-name", "ada"))).WithTimeout();

        Assert.Equal("hello ada on /hello?q=1", Encoding.UTF8.GetString(await ReadAllAsync(response)));
    }

    [Fact]
    public async Task Post_BodyAndTrailers_AreEchoed()
    {
        await using Http3TestPair pair = await Http3TestPair.StartAsync(CreateRouter().HandleAsync);
        byte[] content = CreateBody(100_000);

        await using Http3ClientResponse response = await pair.Client!.SendRequestAsync(
            Get("/echo") with { Method = "POST", Content = content }).WithTimeout();
        byte[] body = await ReadAllAsync(response);

        Assert.Equal(content, body);
        Assert.Equal("POST", response.GetHeader("x-method"));
        Assert.Equal([new HeaderField("x-length", "100000")], response.Trailers);
    }

    [Fact]
    public async Task ConcurrentRequests_AllSucceed()
    {
        await using Http3TestPair pair = await Http3TestPair.StartAsync(CreateRouter().HandleAsync);

        Task<string>[] requests = Enumerable.Range(0, 24).Select(async i =>
        {
            await using Http3ClientResponse response = await pair.Client!.SendRequestAsync(
                Get($"/hello?i={i}", new HeaderField("x-name", $"n{i}")));
            return Encoding.UTF8.GetString(await ReadAllAsync(response));
        }).ToArray();
        string[] bodies = await Task.WhenAll(requests).WithTimeout(TestTimeouts.Long);

        for (int i = 0; i < bodies.Length; i++)
            Assert.Equal($"hello n{i} on /hello?i={i}", bodies[i]);
    }

    [Fact]
    public async Task Handler_Throws_Returns500AndConnectionStaysUsable()
    {
        await using Http3TestPair pair = await Http3TestPair.StartAsync(CreateRouter().HandleAsync);

        await using (Http3ClientResponse failed = await pair.Client!.SendRequestAsync(Get("/fail")).WithTimeout())
            Assert.Equal(500, failed.StatusCode);
        await using Http3ClientResponse ok = await pair.Client.SendRequestAsync(Get("/hello")).WithTimeout();

        Assert.Equal(200, ok.StatusCode);
    }

    [Fact]
    public async Task Settings_AreExchanged_IncludingAdditionalAndGrease()
    {
        var serverOptions = new Http3ConnectionOptions
        {
            MaxFieldSectionSize = 8192,
            AdditionalSettings = new Dictionary<ulong, ulong>
            {
                [Http3SettingId.EnableConnectProtocol] = 1,
                [Http3SettingId.H3Datagram] = 1,
                [Http3SettingId.EnableWebTransportDraft02] = 1,
                [Http3SettingId.WebTransportMaxSessionsDraft07] = 4,
            },
        };
        await using Http3TestPair pair = await Http3TestPair.StartAsync(CreateRouter().HandleAsync, serverOptions: serverOptions);

        IReadOnlyDictionary<ulong, ulong> atClient = await pair.Client!.PeerSettings.WithTimeout();
        IReadOnlyDictionary<ulong, ulong> atServer = await pair.Server.PeerSettings.WithTimeout();

        Assert.Equal(8192UL, atClient[Http3SettingId.MaxFieldSectionSize]);
        Assert.Equal(0UL, atClient[Http3SettingId.QPackMaxTableCapacity]);
        Assert.Equal(0UL, atClient[Http3SettingId.QPackBlockedStreams]);
        Assert.Equal(1UL, atClient[Http3SettingId.EnableWebTransportDraft02]);
        Assert.Equal(4UL, atClient[Http3SettingId.WebTransportMaxSessionsDraft07]);
        Assert.Contains(atClient.Keys, Http3SettingId.IsGrease);
        Assert.Equal(65536UL, atServer[Http3SettingId.MaxFieldSectionSize]);
    }

    [Fact]
    public async Task ExtendedConnect_ServerWithoutSetting_ClientRefuses()
    {
        await using Http3TestPair pair = await Http3TestPair.StartAsync(CreateRouter().HandleAsync);

        var ex = await Assert.ThrowsAsync<Http3Exception>(() => pair.Client!.SendRequestAsync(
            Get("/wt") with { Method = "CONNECT", Protocol = "webtransport" }).AsTask()).WithTimeout();

        Assert.Contains("extended CONNECT", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtendedConnect_ServerWithSetting_HandlerSeesProtocolAndStreamStaysOpen()
    {
        var opened = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var router = new Http3Router().Map("/wt", async (request, response, ct) =>
        {
            opened.TrySetResult(request.Protocol);
            await response.StartAsync(ct);

            // The tunnel lives until the client closes its side.
            var rest = new MemoryStream();
            await request.Body.CopyToAsync(rest, ct);
        });
        var serverOptions = new Http3ConnectionOptions
        {
            AdditionalSettings = new Dictionary<ulong, ulong> { [Http3SettingId.EnableConnectProtocol] = 1 },
        };
        await using Http3TestPair pair = await Http3TestPair.StartAsync(router.HandleAsync, serverOptions: serverOptions);

        await using Http3ClientResponse response = await pair.Client!.SendRequestAsync(
            Get("/wt") with { Method = "CONNECT", Protocol = "webtransport", KeepRequestStreamOpen = true }).WithTimeout();

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("webtransport", await opened.Task.WithTimeout());
        Assert.False(response.RequestWriter.IsCompleted);
        await response.RequestWriter.CompleteAsync(CancellationToken.None).AsTask().WithTimeout();
        Assert.Empty(await ReadAllAsync(response));
    }

    [Fact]
    public async Task GoAway_InFlightRequestCompletes_NewRequestsRefused_ShutdownClosesWithNoError()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var router = new Http3Router().Map("/slow", async (_, response, ct) =>
        {
            started.TrySetResult();
            await release.Task.WaitAsync(ct);
            await response.WriteAsync("done"u8.ToArray(), ct);
        });
        await using Http3TestPair pair = await Http3TestPair.StartAsync(router.HandleAsync);

        Task<Http3ClientResponse> slow = pair.Client!.SendRequestAsync(Get("/slow")).AsTask();
        await started.Task.WithTimeout();
        Task shutdown = pair.Server.ShutdownAsync().AsTask();
        await pair.Client.PeerGoAway.WithTimeout();

        Assert.Equal(4UL, pair.Client.PeerGoAwayId); // first request stream was 0; 4 is the first not processed
        var refused = await Assert.ThrowsAsync<Http3Exception>(() => pair.Client.SendRequestAsync(Get("/slow")).AsTask()).WithTimeout();
        Assert.Equal(Http3ErrorCode.RequestRejected, refused.ErrorCode);
        await shutdown.AssertPendingAsync();

        release.SetResult();
        await using Http3ClientResponse response = await slow.WithTimeout();
        Assert.Equal("done", Encoding.UTF8.GetString(await ReadAllAsync(response)));
        await shutdown.WithTimeout();
        TransportCloseInfo closed = await pair.ClientSession.Closed.WithTimeout();
        Assert.Equal((ulong)Http3ErrorCode.NoError, closed.ErrorCode);
        Assert.False(closed.ClosedByPeer); // the client closed once its last response was read
    }

    [Fact]
    public async Task GoAway_RequestOnLaterStream_IsRejected()
    {
        await using Http3TestPair pair = await Http3TestPair.StartAsync(CreateRouter().HandleAsync, rawClient: true);
        await pair.SendRawUniStreamAsync(Http3TestPair.ControlStreamBytes());

        await pair.Server.SendGoAwayAsync().WithTimeout();
        ITransportStream stream = await pair.SendRawRequestAsync(Http3TestPair.HeadersFrame(
            new(":method", "GET"), new(":scheme", "https"), new(":authority", "a"), new(":path", "/hello")));

        var aborted = Assert.IsType<TransportStreamAbortedException>(await stream.ReadUntilFailureAsync().WithTimeout());
        Assert.Equal((ulong)Http3ErrorCode.RequestRejected, aborted.ErrorCode);
    }
}
