using Microsoft.Extensions.Time.Testing;
using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session;
using static MoqLive.Relay.Tests.MoqtRelaySubscribeTests;
using static MoqLive.Relay.Tests.RelayTestHelpers;

namespace MoqLive.Relay.Tests;

/// <summary>
/// Tracks a publisher pushes with PUBLISH (draft-19 §"PUBLISH"): the relay holds the newest groups before anyone
/// subscribes, so a first viewer is served like a later one, with no upstream request (issue 5); a publisher that
/// reconnects PUBLISHes again and the existing subscribers resume.
/// </summary>
public sealed class MoqtRelayPushedTrackTests
{
    private static readonly FetchResult NoStandaloneFetch = FetchResult.Error(RequestErrorCode.NotSupported, "standalone FETCH not expected");

    [Fact]
    public async Task PushedTrack_FirstViewer_SubscribeAndJoiningFetchServedFromTheCacheWithoutUpstreamRequests()
    {
        await using var relay = new MoqtRelay();

        // The publisher also announces the namespace (as the streamer page does), so the relay could go upstream: it must not.
        var namespacePublisher = new TestPublisher { FailStandaloneFetchWith = NoStandaloneFetch };
        namespacePublisher.AddTrack(Video);
        using var source = new TrackProducer(new TrackInfo(Video), TrackProducerOptions.Default with { MaxGroups = 100 });
        await using MoqtSession publisher = await ConnectAsync(relay, TimeProvider.System, new MoqtSessionOptions());
        var pushed = await publisher.PublishAsync(source.Subscribe(new TrackConsumerOptions { MaxLagGroups = 100 })).AsTask().WaitAsync(TestTimeout);
        Assert.True(pushed.IsOk, pushed.ToString());
        Assert.True(pushed.Value!.Forward);
        Assert.True((await publisher.PublishNamespaceAsync(Ns, namespacePublisher).AsTask().WaitAsync(TestTimeout)).IsOk);

        WriteGroup(source, 0, perSubgroup: 5);
        var current = source.CreateGroup(1);
        var subgroup = current.CreateSubgroup(0);
        for (ulong o = 0; o < 3; o++)
            subgroup.Write(o, Payload(1, o));
        await WaitUntil(() => relay.Metrics.ObjectsIn == 8);

        await using MoqtSession viewer = await ConnectAsync(relay, TimeProvider.System, new MoqtSessionOptions());
        (SubscribeResult subscription, FetchResult fetch) = await viewer.SubscribeWithJoiningFetchAsync(Video).AsTask().WaitAsync(TestTimeout);
        Assert.True(subscription.IsOk, subscription.ToString());
        Assert.Equal(new Location(1, 2), subscription.Value!.LargestLocation);
        Assert.True(fetch.IsOk, fetch.ToString());
        Assert.Equal([new Location(1, 0), new Location(1, 1), new Location(1, 2)], await ReadFetch(fetch.Value!.Objects));

        // The subscription continues with the next group.
        using TrackConsumer live = subscription.Value.Track;
        var reading = Task.Run(() => ReadTrack(live));
        subgroup.Complete();
        current.Complete();
        WriteGroup(source, 2, perSubgroup: 2);
        source.Complete();
        Assert.Equal([new Location(2, 0), new Location(2, 1)], (await reading.WaitAsync(TestTimeout)).Objects);

        Assert.Equal(0, namespacePublisher.Subscribes);
        Assert.Empty(namespacePublisher.Fetches);
        Assert.Equal(0, relay.Metrics.UpstreamSubscribes);
    }

    [Fact]
    public async Task PushedTrack_PublisherReconnectsAndPublishesAgain_ExistingSubscribersResume()
    {
        var time = new FakeTimeProvider();
        await using var relay = new MoqtRelay(new MoqtRelayOptions { TimeProvider = time, PublisherReconnectGrace = TimeSpan.FromSeconds(10) });
        using var firstSource = new TrackProducer(new TrackInfo(Video), TrackProducerOptions.Default with { MaxGroups = 100 });
        var firstSession = await ConnectAsync(relay, time, new MoqtSessionOptions());
        Assert.True((await firstSession.PublishAsync(firstSource.Subscribe(new TrackConsumerOptions { MaxLagGroups = 100 })).AsTask().WaitAsync(TestTimeout)).IsOk);

        await using MoqtSession viewer = await ConnectAsync(relay, time, new MoqtSessionOptions());
        var subscribed = await viewer.SubscribeAsync(Video).AsTask().WaitAsync(TestTimeout);
        Assert.True(subscribed.IsOk, subscribed.ToString());
        using TrackConsumer live = subscribed.Value!.Track;
        var received = new Received();
        var reading = Task.Run(() => ReadTrackInto(live, received));
        WriteGroup(firstSource, 0, perSubgroup: 3);
        await WaitUntil(() => received.Count == 3);

        // The publisher's session dies (a page reload): no PUBLISH_DONE, the relay keeps the subscribers.
        await firstSession.DisposeAsync();
        await WaitUntil(() => relay.Metrics.TracksAwaitingPublisher == 1);
        time.Advance(TimeSpan.FromSeconds(5));

        // It comes back on a new session and PUBLISHes the track again, with larger group IDs (docs/media-format.md).
        using var secondSource = new TrackProducer(new TrackInfo(Video), TrackProducerOptions.Default with { MaxGroups = 100 });
        await using MoqtSession secondSession = await ConnectAsync(relay, time, new MoqtSessionOptions());
        Assert.True((await secondSession.PublishAsync(secondSource.Subscribe(new TrackConsumerOptions { MaxLagGroups = 100 })).AsTask().WaitAsync(TestTimeout)).IsOk);
        Assert.Equal(0, relay.Metrics.TracksAwaitingPublisher);

        // The grace period passing no longer ends the track.
        time.Advance(TimeSpan.FromSeconds(10));
        WriteGroup(secondSource, 100, perSubgroup: 2);
        WriteGroup(secondSource, 101, perSubgroup: 2);
        secondSource.Complete();

        await reading.WaitAsync(TestTimeout);

        // Each group is its own stream (§"Subgroup Header"): groups 100 and 101 may reach the viewer in either order.
        Assert.Equal([0UL, 0, 0, 100, 100, 101, 101], received.Objects.Select(l => l.Group).Order().ToArray());
        Assert.Equal(PublishDoneStatusCode.TrackEnded, received.End!.StatusCode);
        Assert.Equal(1, relay.Metrics.PublisherResumes);
        Assert.Equal(0, relay.Metrics.UpstreamSubscribes);
    }

    [Fact]
    public async Task PublishAsync_TrackLiveFromAnotherUpstream_NewestPublisherTakesOver()
    {
        await using var relay = new MoqtRelay();

        // Live through a SUBSCRIBE the relay sent (the namespace publisher), then the same track is PUBLISHed.
        var namespacePublisher = new TestPublisher();
        var subscribedSource = namespacePublisher.AddTrack(Video);
        await relay.PublishNamespaceAsync(Ns, namespacePublisher);
        using var consumer = await SubscribeOk(relay, Video);
        var received = new Received();
        var reading = Task.Run(() => ReadTrackInto(consumer, received));
        WriteGroup(subscribedSource, 0, perSubgroup: 2);
        await WaitUntil(() => received.Count == 2);

        using var pushedSource = new TrackProducer(new TrackInfo(Video), TrackProducerOptions.Default with { MaxGroups = 100 });
        var pushed = await relay.PublishAsync(pushedSource.Subscribe(new TrackConsumerOptions { MaxLagGroups = 100 })).AsTask().WaitAsync(TestTimeout);
        Assert.True(pushed.IsOk, pushed.ToString());

        // The relay unsubscribed from the old upstream and follows the PUBLISH.
        await WaitUntil(() => subscribedSource.ConsumerCount == 0);
        WriteGroup(subscribedSource, 1, perSubgroup: 2);
        WriteGroup(pushedSource, 2, perSubgroup: 2);
        pushedSource.Complete();

        await reading.WaitAsync(TestTimeout);
        Assert.Equal([0UL, 0, 2, 2], received.Objects.Select(l => l.Group));
        Assert.Equal(PublishDoneStatusCode.TrackEnded, received.End!.StatusCode);
    }

    [Fact]
    public async Task PublishAsync_WhileASubscribersUpstreamSubscribeIsInFlight_Uninterested()
    {
        await using var relay = new MoqtRelay();
        var namespacePublisher = new TestPublisher { Gate = new TaskCompletionSource() };
        var source = namespacePublisher.AddTrack(Video);
        await relay.PublishNamespaceAsync(Ns, namespacePublisher);
        var subscribing = relay.SubscribeAsync(Video, new SubscribeOptions { Start = TrackStart.LargestObject }).AsTask();
        await WaitUntil(() => namespacePublisher.Subscribes == 1);

        using var pushedSource = new TrackProducer(new TrackInfo(Video));
        var pushed = await relay.PublishAsync(pushedSource.Subscribe()).AsTask().WaitAsync(TestTimeout);

        Assert.False(pushed.IsOk);
        Assert.Equal(RequestErrorCode.Uninterested, pushed.ErrorCode);
        namespacePublisher.Gate.SetResult();
        var subscribed = await subscribing.WaitAsync(TestTimeout);
        Assert.True(subscribed.IsOk, subscribed.ToString());
        subscribed.Value!.Track.Dispose();
        source.Complete();
    }

    [Fact]
    public async Task PushedTrack_NoSubscribers_KeptAndCached()
    {
        await using var relay = new MoqtRelay();
        using var source = new TrackProducer(new TrackInfo(Video), TrackProducerOptions.Default with { MaxGroups = 100 });
        Assert.True((await relay.PublishAsync(source.Subscribe(new TrackConsumerOptions { MaxLagGroups = 100 })).AsTask().WaitAsync(TestTimeout)).IsOk);
        WriteGroup(source, 7, perSubgroup: 4);
        await WaitUntil(() => relay.Metrics.ObjectsIn == 4);

        // A subscriber comes and goes: the pushed track stays, with its cache.
        (await SubscribeOk(relay, Video)).Dispose();
        Assert.Equal(1, relay.Metrics.Tracks);
        using var later = await SubscribeOk(relay, Video);
        var fetch = await relay.FetchAsync(FetchRequest.RelativeJoining(later, 0)).AsTask().WaitAsync(TestTimeout);
        Assert.True(fetch.IsOk, fetch.ToString());
        Assert.Equal(4, (await ReadFetch(fetch.Value!.Objects)).Count);
    }
}
