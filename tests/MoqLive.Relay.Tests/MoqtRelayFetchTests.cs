using Microsoft.Extensions.Time.Testing;
using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session;
using MoqLive.Testing;
using static MoqLive.Relay.Tests.MoqtRelaySubscribeTests;
using static MoqLive.Relay.Tests.RelayTestHelpers;

namespace MoqLive.Relay.Tests;

public sealed class MoqtRelayFetchTests
{
    [Fact]
    public async Task LateJoiner_JoiningFetchPlusSubscription_StartsAtCurrentGroupWithoutGapOrOverlap()
    {
        await using var relay = new MoqtRelay();
        var publisher = new TestPublisher();
        var source = publisher.AddTrack(Video);
        await relay.PublishNamespaceAsync(Ns, publisher);
        using var early = await SubscribeOk(relay, Video);
        var track = LiveEdgeTrack.Write(source);
        await WaitUntil(() => relay.Metrics.ObjectsIn == 18);

        // The late joiner: SUBSCRIBE (Largest Object) then a relative joining FETCH of 0 groups.
        using var late = await SubscribeOk(relay, Video);
        Assert.Equal(LiveEdgeTrack.LiveEdge, late.JoiningLocation);
        var fetch = await relay.FetchAsync(FetchRequest.RelativeJoining(late, 0)).AsTask().WaitAsync(TestTimeout);
        Assert.True(fetch.IsOk, fetch.ToString());
        Assert.Equal(LiveEdgeTrack.LiveEdge, fetch.Value!.EndLocation);

        Assert.Equal(LiveEdgeTrack.Fetched, await ReadFetch(fetch.Value.Objects));
        Assert.Equal(LiveEdgeTrack.Live, await track.FinishAndReadAsync(late));
    }

    [Fact]
    public async Task RelativeJoiningFetch_TwoGroupsBack_ServedFromCache()
    {
        await using var relay = new MoqtRelay();
        var publisher = new TestPublisher();
        var source = publisher.AddTrack(Video);
        await relay.PublishNamespaceAsync(Ns, publisher);
        using var early = await SubscribeOk(relay, Video);
        for (ulong g = 0; g < 4; g++)
            WriteGroup(source, g, perSubgroup: 2);
        await WaitUntil(() => relay.Metrics.ObjectsIn == 8);

        using var late = await SubscribeOk(relay, Video);
        var fetch = await relay.FetchAsync(FetchRequest.RelativeJoining(late, 2)).AsTask().WaitAsync(TestTimeout);
        var fetched = await ReadFetch(fetch.Value!.Objects);
        Assert.Equal([1UL, 1, 2, 2, 3, 3], fetched.Select(l => l.Group));
        Assert.Equal(1, publisher.Subscribes);
    }

    [Fact]
    public async Task JoiningFetch_ForeignSubscription_InvalidJoiningRequestId()
    {
        await using var relay = new MoqtRelay();
        var publisher = new TestPublisher();
        var source = publisher.AddTrack(Video);
        await relay.PublishNamespaceAsync(Ns, publisher);
        using var ours = await SubscribeOk(relay, Video);
        using var foreign = source.Subscribe();

        var fetch = await relay.FetchAsync(FetchRequest.RelativeJoining(foreign, 0)).AsTask().WaitAsync(TestTimeout);
        Assert.Equal(RequestErrorCode.InvalidJoiningRequestId, fetch.ErrorCode);
    }

    [Fact]
    public async Task JoiningFetch_NothingPublished_InvalidRangeAfterTheWait()
    {
        var time = new FakeTimeProvider();
        await using var relay = new MoqtRelay(new MoqtRelayOptions { TimeProvider = time, JoiningFetchWait = TimeSpan.FromSeconds(2) });
        var publisher = new TestPublisher();
        publisher.AddTrack(Video);
        await relay.PublishNamespaceAsync(Ns, publisher);
        using var subscription = await SubscribeOk(relay, Video);

        var fetch = relay.FetchAsync(FetchRequest.AbsoluteJoining(subscription, 0)).AsTask();
        Assert.False(fetch.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(RequestErrorCode.InvalidRange, (await fetch.WaitAsync(TestTimeout)).ErrorCode);
    }

    [Fact]
    public async Task JoiningFetch_UpstreamSubscribeOkWithoutLargest_WaitsForTheFirstObjectAndEndsJustBeforeIt()
    {
        // The race: the relay's new upstream subscription has no Largest Location yet when the joining FETCH arrives
        // right after the first SUBSCRIBE; objects are already flowing upstream.
        var time = new FakeTimeProvider();
        await using var relay = new MoqtRelay(new MoqtRelayOptions { TimeProvider = time });
        var publisher = new TestPublisher { OmitLargestLocation = true };
        var source = publisher.AddTrack(Video);
        var current = source.CreateGroup(2);
        var subgroup = current.CreateSubgroup(0);
        for (ulong o = 0; o < 3; o++)
            subgroup.Write(o, Payload(2, o));
        await relay.PublishNamespaceAsync(Ns, publisher);

        using var late = await SubscribeOk(relay, Video);
        Assert.Null(late.JoiningLocation);
        var fetching = relay.FetchAsync(FetchRequest.RelativeJoining(late, 0)).AsTask();
        var live = Task.Run(() => ReadTrack(late));

        // The next object reaches the relay: the subscription starts there, the FETCH ends just before it.
        subgroup.Write(3, Payload(2, 3));
        var fetch = await fetching.WaitAsync(TestTimeout);
        Assert.True(fetch.IsOk, fetch.ToString());
        var fetched = await ReadFetch(fetch.Value!.Objects);

        subgroup.Write(4, Payload(2, 4));
        subgroup.Complete();
        current.Complete();
        source.Complete();
        var subscribed = (await live.WaitAsync(TestTimeout)).Objects;

        Assert.Equal([new Location(2, 0), new Location(2, 1), new Location(2, 2)], fetched);
        Assert.Equal([new Location(2, 3), new Location(2, 4)], subscribed);
    }

    [Fact]
    public async Task StandaloneFetch_TrackNotRelayed_ForwardedUpstream()
    {
        await using var relay = new MoqtRelay();
        var publisher = new TestPublisher();
        var source = publisher.AddTrack(Video);
        for (ulong g = 0; g < 3; g++)
            WriteGroup(source, g, perSubgroup: 2);
        await relay.PublishNamespaceAsync(Ns, publisher);

        var fetch = await relay.FetchAsync(FetchRequest.Standalone(Video, new Location(1, 0), new Location(1, ulong.MaxValue))).AsTask().WaitAsync(TestTimeout);
        Assert.Equal([new Location(1, 0), new Location(1, 1)], await ReadFetch(fetch.Value!.Objects));
        Assert.Equal(0, publisher.Subscribes);
    }

    [Fact]
    public async Task LateJoiner_RelaySubscribedMidGroup_JoiningFetchGoesUpstreamAndLargestComesFromSubscribeOk()
    {
        await using var relay = new MoqtRelay();
        var publisher = new TestPublisher();
        var source = publisher.AddTrack(Video);
        for (ulong g = 0; g < 2; g++)
            WriteGroup(source, g, perSubgroup: 5);
        var current = source.CreateGroup(2);
        var subgroup = current.CreateSubgroup(0);
        for (ulong o = 0; o < 3; o++)
            subgroup.Write(o, Payload(2, o));
        await relay.PublishNamespaceAsync(Ns, publisher);

        // The first subscriber: the relay subscribes upstream now, after the current group began.
        var result = await relay.SubscribeAsync(Video).AsTask().WaitAsync(TestTimeout);
        Assert.Equal(new Location(2, 2), result.Value!.LargestLocation);
        using var late = result.Value.Track;

        var fetch = await relay.FetchAsync(FetchRequest.RelativeJoining(late, 0)).AsTask().WaitAsync(TestTimeout);
        var fetched = await ReadFetch(fetch.Value!.Objects);
        Assert.Equal([new Location(2, 0), new Location(2, 1), new Location(2, 2)], fetched);

        var live = Task.Run(() => ReadTrack(late));
        subgroup.Write(3, Payload(2, 3));
        subgroup.Complete();
        current.Complete();
        source.Complete();
        Assert.Equal([new Location(2, 3)], (await live.WaitAsync(TestTimeout)).Objects);
    }

    [Fact]
    public async Task PipelinedJoiningFetch_RelaySubscribesUpstreamMeanwhile_IsHeldThenCoversTheCurrentGroup()
    {
        await using var relay = new MoqtRelay();
        var publisher = new TestPublisher { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var source = publisher.AddTrack(Video);
        WriteGroup(source, 0, perSubgroup: 5);
        var current = source.CreateGroup(1);
        var subgroup = current.CreateSubgroup(0);
        for (ulong o = 0; o < 3; o++)
            subgroup.Write(o, Payload(1, o));
        await relay.PublishNamespaceAsync(Ns, publisher);
        await using MoqtSession first = await ConnectAsync(relay, TimeProvider.System, new MoqtSessionOptions());

        // SUBSCRIBE and joining FETCH go out together; the FETCH waits at the relay while it subscribes upstream.
        var firstJoin = first.SubscribeWithJoiningFetchAsync(Video).AsTask();
        await Poll.UntilAsync(() => publisher.Subscribes == 1);
        Assert.False(firstJoin.IsCompleted);
        publisher.Gate.SetResult();
        (SubscribeResult subscription, FetchResult fetch) = await firstJoin.WaitAsync(TestTimeout);
        Assert.True(subscription.IsOk, subscription.ToString());
        Assert.True(fetch.IsOk, fetch.ToString());
        Assert.Equal([new Location(1, 0), new Location(1, 1), new Location(1, 2)], await ReadFetch(fetch.Value!.Objects));

        // A second viewer while the relay carries the track: served from the relay's cache, no upstream request.
        await using MoqtSession second = await ConnectAsync(relay, TimeProvider.System, new MoqtSessionOptions());
        (SubscribeResult secondSubscription, FetchResult secondFetch) = await second.SubscribeWithJoiningFetchAsync(Video).AsTask().WaitAsync(TestTimeout);
        Assert.True(secondFetch.IsOk, secondFetch.ToString());
        Assert.Equal([new Location(1, 0), new Location(1, 1), new Location(1, 2)], await ReadFetch(secondFetch.Value!.Objects));
        Assert.Equal(1, publisher.Subscribes);

        // Both subscriptions continue right after the fetched objects: no gap, no overlap.
        using TrackConsumer firstLive = subscription.Value!.Track;
        using TrackConsumer secondLive = secondSubscription.Value!.Track;
        var reads = new[] { Task.Run(() => ReadTrack(firstLive)), Task.Run(() => ReadTrack(secondLive)) };
        subgroup.Write(3, Payload(1, 3));
        subgroup.Complete();
        current.Complete();
        source.Complete();
        foreach (var read in reads)
            Assert.Equal([new Location(1, 3)], (await read.WaitAsync(TestTimeout)).Objects);
    }

    [Fact]
    public async Task PipelinedJoiningFetch_SubscribeRefused_FetchFailsWithInvalidJoiningRequestId()
    {
        await using var relay = new MoqtRelay();
        await using MoqtSession session = await ConnectAsync(relay, TimeProvider.System, new MoqtSessionOptions());

        (SubscribeResult subscription, FetchResult fetch) = await session.SubscribeWithJoiningFetchAsync(Video).AsTask().WaitAsync(TestTimeout);
        Assert.Equal(RequestErrorCode.DoesNotExist, subscription.ErrorCode);
        Assert.Equal(RequestErrorCode.InvalidJoiningRequestId, fetch.ErrorCode);
    }
}
