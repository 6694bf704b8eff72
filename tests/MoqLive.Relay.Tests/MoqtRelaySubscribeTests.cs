using MoqLive.Moqt.Model;
using MoqLive.Testing;
using static MoqLive.Relay.Tests.RelayTestHelpers;

namespace MoqLive.Relay.Tests;

public sealed class MoqtRelaySubscribeTests
{
    [Fact]
    public async Task SubscribeAsync_NoPublisher_ReturnsDoesNotExist()
    {
        await using var relay = new MoqtRelay();
        var result = await relay.SubscribeAsync(Video).AsTask().WaitAsync(TestTimeout);
        Assert.False(result.IsOk);
        Assert.Equal(RequestErrorCode.DoesNotExist, result.ErrorCode);
    }

    [Fact]
    public async Task SubscribeAsync_ConcurrentSubscribers_OneUpstreamSubscribe()
    {
        await using var relay = new MoqtRelay();
        var publisher = new TestPublisher { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        publisher.AddTrack(Video);
        await relay.PublishNamespaceAsync(Ns, publisher);

        var pending = Enumerable.Range(0, 50).Select(_ => relay.SubscribeAsync(Video).AsTask()).ToArray();
        Assert.All(pending, t => Assert.False(t.IsCompleted));
        publisher.Gate.SetResult();

        var results = await Task.WhenAll(pending).WaitAsync(TestTimeout);
        Assert.All(results, r => Assert.True(r.IsOk));
        Assert.Equal(1, publisher.Subscribes);
        Assert.Equal(1, relay.Metrics.UpstreamSubscribes);
        Assert.Equal(50, relay.Metrics.DownstreamSubscriptions);

        // A later subscriber joins the same upstream subscription too.
        using var late = await SubscribeOk(relay, Video);
        Assert.Equal(1, publisher.Subscribes);
        foreach (var r in results)
            r.Value!.Track.Dispose();
    }

    [Fact]
    public async Task SubscribeAsync_UpstreamRejects_EveryWaitingSubscriberGetsTheError()
    {
        await using var relay = new MoqtRelay();
        var publisher = new TestPublisher
        {
            Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
            FailWith = SubscribeResult.Error(RequestErrorCode.Unauthorized, "no token"),
        };
        await relay.PublishNamespaceAsync(Ns, publisher);

        var pending = Enumerable.Range(0, 3).Select(_ => relay.SubscribeAsync(Video).AsTask()).ToArray();
        publisher.Gate.SetResult();
        var results = await Task.WhenAll(pending).WaitAsync(TestTimeout);

        Assert.All(results, r => Assert.Equal(RequestErrorCode.Unauthorized, r.ErrorCode));
        Assert.All(results, r => Assert.Equal("no token", r.Reason));
        Assert.Equal(1, publisher.Subscribes);
        Assert.Equal(0, relay.Metrics.Tracks);
    }

    [Fact]
    public async Task LastSubscriberLeaves_UpstreamUnsubscribedAndCacheReleased()
    {
        var pool = new CountingArrayPool();
        await using var relay = new MoqtRelay();
        var publisher = new TestPublisher();
        var source = publisher.AddTrack(Video);
        await relay.PublishNamespaceAsync(Ns, publisher);

        var a = await SubscribeOk(relay, Video);
        var b = await SubscribeOk(relay, Video);
        Assert.Equal(1, source.ConsumerCount);
        WriteGroup(source, 0, pool: pool);
        await WaitUntil(() => relay.Metrics.ObjectsIn == 10);

        a.Dispose();
        Assert.Equal(1, relay.Metrics.Tracks);
        b.Dispose();

        Assert.Equal(0, relay.Metrics.Tracks);
        Assert.Equal(0, relay.Metrics.BytesCached);
        await WaitUntil(() => source.ConsumerCount == 0);

        // The relay's references are gone; only the publisher's own cache holds the buffers now.
        source.Dispose();
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public async Task SubscribeAsync_MostSpecificPublisherServesTheTrack()
    {
        await using var relay = new MoqtRelay();
        var broad = new TestPublisher();
        broad.AddTrack(Video);
        var specific = new TestPublisher();
        specific.AddTrack(Video);
        await relay.PublishNamespaceAsync(TrackNamespace.Of("live"), broad);
        await relay.PublishNamespaceAsync(Ns, specific);

        using var consumer = await SubscribeOk(relay, Video);
        Assert.Equal(0, broad.Subscribes);
        Assert.Equal(1, specific.Subscribes);
    }

    [Fact]
    public async Task TrackStatusAsync_RelayedTrack_ReportsLargestLocation()
    {
        await using var relay = new MoqtRelay();
        var publisher = new TestPublisher();
        var source = publisher.AddTrack(Video);
        await relay.PublishNamespaceAsync(Ns, publisher);
        using var consumer = await SubscribeOk(relay, Video);
        WriteGroup(source, 3, perSubgroup: 4);
        await WaitUntil(() => relay.Metrics.ObjectsIn == 4);

        var status = await relay.TrackStatusAsync(Video).AsTask().WaitAsync(TestTimeout);
        Assert.Equal(new Location(3, 3), status.Value!.LargestLocation);

        var unknown = await relay.TrackStatusAsync(FullTrackName.Create(TrackNamespace.Of("nobody"), "x")).AsTask().WaitAsync(TestTimeout);
        Assert.Equal(RequestErrorCode.DoesNotExist, unknown.ErrorCode);
    }

    [Fact]
    public async Task SubscribeAsync_AbsoluteStart_GetsCachedGroupsThenLive()
    {
        await using var relay = new MoqtRelay();
        var publisher = new TestPublisher();
        var source = publisher.AddTrack(Video);
        await relay.PublishNamespaceAsync(Ns, publisher);
        using var early = await SubscribeOk(relay, Video);
        for (ulong g = 0; g < 3; g++)
            WriteGroup(source, g, perSubgroup: 2);
        await WaitUntil(() => relay.Metrics.ObjectsIn == 6);

        using var fromStart = await SubscribeOk(relay, Video, TrackStart.At(new Location(1, 0)));
        var reading = Task.Run(() => ReadTrack(fromStart));
        WriteGroup(source, 3, perSubgroup: 2);
        source.Complete();

        Assert.Equal([1UL, 1, 2, 2, 3, 3], (await reading.WaitAsync(TestTimeout)).Objects.Select(l => l.Group));
    }

    [Fact]
    public async Task Datagrams_AreForwardedAsDatagrams()
    {
        await using var relay = new MoqtRelay();
        var publisher = new TestPublisher();
        var source = publisher.AddTrack(Video);
        await relay.PublishNamespaceAsync(Ns, publisher);
        using var consumer = await SubscribeOk(relay, Video);

        var group = source.CreateGroup(0);
        group.WriteDatagram(0, Payload(0, 0), publisherPriority: 7);
        group.WriteDatagram(1, Payload(0, 1), publisherPriority: 7);
        group.Complete();
        source.Complete();

        var g = (await consumer.NextGroupAsync().AsTask().WaitAsync(TestTimeout)).Group!;
        var datagrams = (await g.NextSubgroupAsync().AsTask().WaitAsync(TestTimeout))!;
        Assert.True(datagrams.IsDatagram);
        Assert.Equal(7, datagrams.PublisherPriority);
        var first = await datagrams.ReadObjectAsync().AsTask().WaitAsync(TestTimeout);
        Assert.Equal(ForwardingPreference.Datagram, first.Object!.ForwardingPreference);
        first.Object.Release();
    }

    [Fact]
    public async Task DisposeAsync_SubscribersSeeGoingAway()
    {
        var relay = new MoqtRelay();
        var publisher = new TestPublisher();
        publisher.AddTrack(Video);
        await relay.PublishNamespaceAsync(Ns, publisher);
        using var consumer = await SubscribeOk(relay, Video);

        await relay.DisposeAsync();

        var next = await consumer.NextGroupAsync().AsTask().WaitAsync(TestTimeout);
        Assert.Equal(PublishDoneStatusCode.GoingAway, next.End!.StatusCode);
        Assert.Equal(RequestErrorCode.GoingAway, (await relay.SubscribeAsync(Video)).ErrorCode);
    }

    [Fact]
    public async Task SubscribersChurnWhilePublishing_NoDeadlockAndStableSubscribersGetEverything()
    {
        await using var relay = new MoqtRelay(new MoqtRelayOptions { MaxSubscriberLagGroups = 1000, Cache = TrackProducerOptions.Default with { MaxGroups = 1000 } });
        var publisher = new TestPublisher();
        var source = publisher.AddTrack(Video);
        await relay.PublishNamespaceAsync(Ns, publisher);
        using var stable = await SubscribeOk(relay, Video);
        var stableReader = Task.Run(() => ReadTrack(stable));

        using var stop = new CancellationTokenSource();
        long totalRounds = 0;
        var churners = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int rounds = 0;
            while (!stop.IsCancellationRequested)
            {
                var result = await relay.SubscribeAsync(Video).AsTask().WaitAsync(TestTimeout);
                Assert.True(result.IsOk, result.ToString());
                result.Value!.Track.Dispose();
                rounds++;
                Interlocked.Increment(ref totalRounds);
            }

            return rounds;
        })).ToArray();

        for (ulong g = 0; g < 200; g++)
        {
            // Make sure subscribers come and go between writes.
            if (g % 20 == 0)
            {
                long seen = Interlocked.Read(ref totalRounds);
                await WaitUntil(() => Interlocked.Read(ref totalRounds) >= seen + 8);
            }

            WriteGroup(source, g, perSubgroup: 5);
        }

        // The churn stops before the track ends: a SUBSCRIBE racing the end of the track may fail (the track closed
        // while subscribing), which is not this test's subject.
        await stop.CancelAsync();
        var rounds = await Task.WhenAll(churners).WaitAsync(TestTimeout);
        source.Complete();
        var received = await stableReader.WaitAsync(TestTimeout);

        Assert.Equal(1000, received.Objects.Count);
        Assert.True(rounds.Sum() >= 80);
    }

    [Fact]
    public async Task ChurnWithoutStableSubscriber_TrackClosesAndReopens_EverySubscribeSucceeds()
    {
        await using var relay = new MoqtRelay();
        var publisher = new TestPublisher();
        var source = publisher.AddTrack(Video);
        await relay.PublishNamespaceAsync(Ns, publisher);

        var churners = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < 200; i++)
            {
                var result = await relay.SubscribeAsync(Video).AsTask().WaitAsync(TestTimeout);
                Assert.True(result.IsOk, result.ToString());
                result.Value!.Track.Dispose();
            }
        })).ToArray();
        ulong group = 0;
        while (!churners.All(t => t.IsCompleted))
        {
            WriteGroup(source, group++, perSubgroup: 1);
            await Task.Yield();
        }

        await Task.WhenAll(churners).WaitAsync(TestTimeout);
        Assert.True(publisher.Subscribes > 1);
        await WaitUntil(() => relay.Metrics.Tracks == 0 && source.ConsumerCount == 0);
    }

    // Bounded by TestTimeout: the relay's pump runs on the thread pool, which other test assemblies can starve.
    internal static Task WaitUntil(Func<bool> condition) => Poll.UntilAsync(condition, TestTimeout);
}
