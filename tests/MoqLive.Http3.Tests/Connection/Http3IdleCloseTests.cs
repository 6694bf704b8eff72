using Microsoft.Extensions.Time.Testing;
using MoqLive.Http3.WebTransport;
using MoqLive.Testing;
using MoqLive.Transport;

namespace MoqLive.Http3.Tests.Connection;

/// <summary><see cref="Http3ConnectionOptions.IdleCloseDelay"/>: a server closes a connection left without requests or sessions.</summary>
public sealed class Http3IdleCloseTests
{
    private static readonly TimeSpan s_delay = TimeSpan.FromSeconds(2);

    private static async Task<(Http3TestPair Pair, FakeTimeProvider Clock, Task<WebTransportSession> Accepted)> StartAsync()
    {
        var clock = new FakeTimeProvider();
        var accepted = new TaskCompletionSource<WebTransportSession>(TaskCreationOptions.RunContinuationsAsynchronously);
        var router = new Http3Router()
            .Map("/hello", async (_, response, ct) => await response.WriteAsync("hi"u8.ToArray(), ct))
            .Map("/moq", async (request, response, ct) =>
            {
                WebTransportSession session = await request.AcceptWebTransportAsync(response, null, ct);
                accepted.TrySetResult(session);
                await session.Closed.WaitAsync(ct);
            });
        Http3TestPair pair = await Http3TestPair.StartAsync(
            router.HandleAsync,
            serverOptions: new Http3ConnectionOptions { AdditionalSettings = WebTransportSettings.Server(), IdleCloseDelay = s_delay, TimeProvider = clock },
            clientOptions: new Http3ConnectionOptions { AdditionalSettings = WebTransportSettings.Client() });
        return (pair, clock, accepted.Task);
    }

    private static async Task WaitUntilArmedAsync(Http3Connection server)
    {
        using var limit = new CancellationTokenSource(TestTimeouts.Long);
        while (!server.IdleCloseArmed)
            await Task.Delay(5, limit.Token);
    }

    private static async Task GetAsync(Http3Connection client)
    {
        await using Http3ClientResponse response = await client.SendRequestAsync(new Http3ClientRequest { Authority = "relay.test", Path = "/hello" }).WithTimeout();
        await response.Body.CopyToAsync(Stream.Null).WithTimeout();
    }

    [Fact]
    public async Task AfterTheLastRequest_IdleForTheDelay_ServerSendsGoAwayAndClosesWithNoError()
    {
        (Http3TestPair pair, FakeTimeProvider clock, _) = await StartAsync();
        await using (pair)
        {
            await GetAsync(pair.Client!);
            await WaitUntilArmedAsync(pair.Server);

            clock.Advance(s_delay - TimeSpan.FromMilliseconds(1));
            await Task.Delay(50);
            Assert.False(pair.ClientSession.Closed.IsCompleted);

            clock.Advance(TimeSpan.FromMilliseconds(1));
            TransportCloseInfo closed = await pair.ClientSession.Closed.WithTimeout();
            Assert.Equal((ulong)Http3ErrorCode.NoError, closed.ErrorCode);
            Assert.True(closed.ClosedByPeer);
        }
    }

    [Fact]
    public async Task ANewRequestBeforeTheDelay_StartsTheWaitAgain()
    {
        (Http3TestPair pair, FakeTimeProvider clock, _) = await StartAsync();
        await using (pair)
        {
            await GetAsync(pair.Client!);
            await WaitUntilArmedAsync(pair.Server);
            clock.Advance(s_delay / 2);

            await GetAsync(pair.Client!);
            await WaitUntilArmedAsync(pair.Server);
            clock.Advance(s_delay / 2 + TimeSpan.FromMilliseconds(1));
            await Task.Delay(50);
            Assert.False(pair.ClientSession.Closed.IsCompleted);

            clock.Advance(s_delay / 2);
            Assert.Equal((ulong)Http3ErrorCode.NoError, (await pair.ClientSession.Closed.WithTimeout()).ErrorCode);
        }
    }

    [Fact]
    public async Task WhileAWebTransportSessionIsOpen_NoIdleClose_ThenClosedOnceThePeerEndedIt()
    {
        (Http3TestPair pair, FakeTimeProvider clock, Task<WebTransportSession> accepted) = await StartAsync();
        await using (pair)
        {
            WebTransportSession session = await pair.Client!.ConnectWebTransportAsync("relay.test", "/moq").WithTimeout();
            await accepted.WithTimeout();
            clock.Advance(s_delay * 10);
            await Task.Delay(50);
            Assert.False(pair.ClientSession.Closed.IsCompleted);
            Assert.False(pair.Server.IdleCloseArmed);

            // What Chromium does before it drops the connection silently: the session ends, nothing else follows.
            await session.CloseAsync(0, "bye").AsTask().WithTimeout();
            await WaitUntilArmedAsync(pair.Server);
            clock.Advance(s_delay);
            Assert.Equal((ulong)Http3ErrorCode.NoError, (await pair.ClientSession.Closed.WithTimeout()).ErrorCode);
        }
    }
}
