using Microsoft.Extensions.Time.Testing;
using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session;
using static MoqLive.Relay.Tests.MoqtRelaySubscribeTests;
using static MoqLive.Relay.Tests.RelayTestHelpers;

namespace MoqLive.Relay.Tests;

/// <summary>
/// The first downstream subscriber of a track: the relay subscribes upstream together with a joining FETCH of the
/// current group and caches it, so the subscriber's own joining FETCH (the first viewer's key frame, or a catalog's
/// latest object) is served from the cache without a second upstream round trip (issue 5).
/// </summary>
public sealed class MoqtRelayUpstreamJoiningFetchTests
{
    private static readonly FetchResult NoStandaloneFetch = FetchResult.Error(RequestErrorCode.NotSupported, "standalone FETCH not expected");

    [Fact]
    public async Task FirstSubscriber_JoiningFetch_ServedFromTheCacheWithoutGapOrOverlap()
    {
        await using var relay = new MoqtRelay();
        var publisher = new TestPublisher { FailStandaloneFetchWith = NoStandaloneFetch };
        var track = LiveEdgeTrack.Write(publisher.AddTrack(Video));
        await relay.PublishNamespaceAsync(Ns, publisher);

        // The relay carries nothing of the track yet: this SUBSCRIBE is what makes it subscribe upstream.
        using var first = await SubscribeOk(relay, Video);
        Assert.Equal(LiveEdgeTrack.LiveEdge, first.JoiningLocation);
        Assert.Equal([FetchType.RelativeJoining], publisher.Fetches);
        var fetch = await relay.FetchAsync(FetchRequest.RelativeJoining(first, 0)).AsTask().WaitAsync(TestTimeout);
        Assert.True(fetch.IsOk, fetch.ToString());

        Assert.Equal(LiveEdgeTrack.Fetched, await ReadFetch(fetch.Value!.Objects));
        Assert.Equal(LiveEdgeTrack.Live, await track.FinishAndReadAsync(first));
        Assert.Equal([FetchType.RelativeJoining], publisher.Fetches);
    }

    [Fact]
    public async Task FirstSubscriber_CatalogLikeTrack_LatestObjectServedFromTheCache()
    {
        // A catalog: one object per group, a new group only when the tracks change; the current one is long complete.
        await using var relay = new MoqtRelay();
        var publisher = new TestPublisher { FailStandaloneFetchWith = NoStandaloneFetch };
        var catalog = FullTrackName.Create(Ns, "catalog");
        var source = publisher.AddTrack(catalog);
        WriteGroup(source, 1_700_000_000_000, perSubgroup: 1);
        WriteGroup(source, 1_700_000_000_001, perSubgroup: 1);
        await relay.PublishNamespaceAsync(Ns, publisher);

        using var first = await SubscribeOk(relay, catalog);
        var fetch = await relay.FetchAsync(FetchRequest.RelativeJoining(first, 0)).AsTask().WaitAsync(TestTimeout);

        Assert.True(fetch.IsOk, fetch.ToString());
        Assert.Equal([new Location(1_700_000_000_001, 0)], await ReadFetch(fetch.Value!.Objects));
    }

    [Fact]
    public async Task FirstSubscriber_UpstreamJoiningFetchNeverCompletes_AnsweredAfterTheWaitWithNothingCached()
    {
        var time = new FakeTimeProvider();
        await using var relay = new MoqtRelay(new MoqtRelayOptions { TimeProvider = time, JoiningFetchWait = TimeSpan.FromSeconds(2) });
        var stuck = new FetchProducer();
        var publisher = new TestPublisher
        {
            JoiningFetchResponse = request => FetchResult.Ok(new FetchOk(stuck.Consumer, new TrackInfo(request.Track), false, new Location(3, 2))),
        };
        var source = publisher.AddTrack(Video);
        var current = source.CreateGroup(3);
        var subgroup = current.CreateSubgroup(0);
        for (ulong o = 0; o < 3; o++)
            subgroup.Write(o, Payload(3, o));
        await relay.PublishNamespaceAsync(Ns, publisher);

        // Part of the response arrives, then nothing: the subscriber is answered after the wait, and the cache holds no
        // group with a hole (the subscriber's joining FETCH goes upstream as a standalone FETCH instead).
        Assert.True(stuck.TryWrite(new MoqtObject(3, 0, 0, 128, ObjectStatus.Normal, Payload(3, 0))));
        var subscribing = relay.SubscribeAsync(Video, new SubscribeOptions { Start = TrackStart.LargestObject }).AsTask();
        await WaitUntil(() => publisher.Fetches.Count == 1);
        Assert.False(subscribing.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));
        var subscribed = await subscribing.WaitAsync(TestTimeout);
        Assert.True(subscribed.IsOk, subscribed.ToString());
        using var first = subscribed.Value!.Track;
        Assert.Equal(0, relay.Metrics.BytesCached);

        var fetch = await relay.FetchAsync(FetchRequest.RelativeJoining(first, 0)).AsTask().WaitAsync(TestTimeout);
        Assert.True(fetch.IsOk, fetch.ToString());
        Assert.Equal([new Location(3, 0), new Location(3, 1), new Location(3, 2)], await ReadFetch(fetch.Value!.Objects));
        Assert.Equal([FetchType.RelativeJoining, FetchType.Standalone], publisher.Fetches);
    }

    [Fact]
    public async Task FirstViewer_UpstreamIsASession_SubscribeAndFetchGoUpTogetherAndTheViewerGetsTheCurrentGroup()
    {
        await using var relay = new MoqtRelay();
        var publisher = new TestPublisher { FailStandaloneFetchWith = NoStandaloneFetch };
        var source = publisher.AddTrack(Video);
        WriteGroup(source, 0, perSubgroup: 5);
        var current = source.CreateGroup(1);
        var subgroup = current.CreateSubgroup(0);
        for (ulong o = 0; o < 3; o++)
            subgroup.Write(o, Payload(1, o));
        await using MoqtSession upstream = await ConnectAsync(relay, TimeProvider.System, new MoqtSessionOptions());
        Assert.True((await upstream.PublishNamespaceAsync(Ns, publisher).AsTask().WaitAsync(TestTimeout)).IsOk);

        // The relay's upstream is a MOQT session: its SUBSCRIBE and joining FETCH travel over the wire back to back.
        await using MoqtSession viewer = await ConnectAsync(relay, TimeProvider.System, new MoqtSessionOptions());
        (SubscribeResult subscription, FetchResult fetch) = await viewer.SubscribeWithJoiningFetchAsync(Video).AsTask().WaitAsync(TestTimeout);
        Assert.True(subscription.IsOk, subscription.ToString());
        Assert.True(fetch.IsOk, fetch.ToString());
        Assert.Equal([new Location(1, 0), new Location(1, 1), new Location(1, 2)], await ReadFetch(fetch.Value!.Objects));
        Assert.Equal([FetchType.RelativeJoining], publisher.Fetches);

        using TrackConsumer live = subscription.Value!.Track;
        var reading = Task.Run(() => ReadTrack(live));
        subgroup.Write(3, Payload(1, 3));
        subgroup.Complete();
        current.Complete();
        source.Complete();
        Assert.Equal([new Location(1, 3)], (await reading.WaitAsync(TestTimeout)).Objects);
    }
}
