using Microsoft.Extensions.Time.Testing;
using MoqLive.Moqt.Model;
using MoqLive.Testing;
using static MoqLive.Relay.Tests.MoqtRelaySubscribeTests;
using static MoqLive.Relay.Tests.RelayTestHelpers;

namespace MoqLive.Relay.Tests;

public sealed class MoqtRelayCacheTests
{
    [Fact]
    public async Task Cache_ByteBound_EvictsOldestGroupsAndReturnsBuffers()
    {
        var pool = new CountingArrayPool();
        const int ObjectSize = 1000;
        const int GroupBytes = 10 * ObjectSize;
        await using var relay = new MoqtRelay(new MoqtRelayOptions
        {
            Cache = TrackProducerOptions.Default with { MaxGroups = 1000, MaxBytes = 3 * GroupBytes },
        });
        var publisher = new TestPublisher();

        // The publisher keeps little itself, so the pool shows what the relay holds.
        var source = publisher.AddTrack(Video, TrackProducerOptions.Default with { MaxGroups = 1 });
        await relay.PublishNamespaceAsync(Ns, publisher);
        using var subscriber = await SubscribeOk(relay, Video);
        var progress = new Received();
        var reading = Task.Run(() => ReadTrackInto(subscriber, progress));

        for (ulong g = 0; g < 20; g++)
        {
            WriteGroup(source, g, perSubgroup: 10, size: ObjectSize, pool: pool);
            await WaitUntil(() => relay.Metrics.ObjectsIn == (long)(g + 1) * 10);
            Assert.True(relay.Metrics.BytesCached <= 3 * GroupBytes, $"cached {relay.Metrics.BytesCached}");

            // Keep the reader on time: one that falls out of the 3-group window rightly loses whole groups,
            // which is a different test (MoqtRelaySlowSubscriberTests).
            await WaitUntil(() => progress.Count == (int)(g + 1) * 10);
        }

        source.Complete();
        var received = await reading.WaitAsync(TestTimeout);
        Assert.Equal(200, received.Objects.Count);

        // Cache window (3 groups) + the publisher's last group; everything else went back to the pool.
        Assert.True(pool.OutstandingBytes <= 4 * GroupBytes, $"outstanding {pool.OutstandingBytes}");
    }

    [Fact]
    public async Task Cache_AgeBound_TimerEvictsWithFakeTime()
    {
        var time = new FakeTimeProvider();
        await using var relay = new MoqtRelay(new MoqtRelayOptions
        {
            Cache = TrackProducerOptions.Default with { MaxAge = TimeSpan.FromSeconds(5) },
            CacheTrimInterval = TimeSpan.FromSeconds(1),
            TimeProvider = time,
        });
        var publisher = new TestPublisher();
        var source = publisher.AddTrack(Video);
        await relay.PublishNamespaceAsync(Ns, publisher);
        using var subscriber = await SubscribeOk(relay, Video);

        WriteGroup(source, 0, perSubgroup: 2);
        await WaitUntil(() => relay.Metrics.ObjectsIn == 2);
        await WaitUntil(() => relay.Metrics.BytesCached == 16);
        time.Advance(TimeSpan.FromSeconds(3));
        WriteGroup(source, 1, perSubgroup: 2);
        await WaitUntil(() => relay.Metrics.ObjectsIn == 4);
        await WaitUntil(() => relay.Metrics.BytesCached == 32);

        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(16, relay.Metrics.BytesCached);
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(0, relay.Metrics.BytesCached);

        // Expired objects are unknown to the relay now: a fetch for them goes upstream again.
        var fetch = await relay.FetchAsync(FetchRequest.Standalone(Video, Location.Zero, new Location(1, ulong.MaxValue))).AsTask().WaitAsync(TestTimeout);
        int count = 0;
        while ((await fetch.Value!.Objects.ReadObjectAsync().AsTask().WaitAsync(TestTimeout)) is { Status: ObjectReadStatus.Object } read)
        {
            read.Object!.Release();
            count++;
        }

        Assert.Equal(4, count);
    }

    [Fact]
    public async Task Cache_TrackMaxCacheDuration_ShorterThanRelayBound_Wins()
    {
        var time = new FakeTimeProvider();
        await using var relay = new MoqtRelay(new MoqtRelayOptions
        {
            Cache = TrackProducerOptions.Default with { MaxAge = TimeSpan.FromMinutes(1) },
            CacheTrimInterval = TimeSpan.FromMilliseconds(500),
            TimeProvider = time,
        });
        var publisher = new TestPublisher();
        var info = new TrackInfo(Video, Properties: MoqtProperties.Create([MoqtProperty.FromInt(0x04, 2000)]));
        var source = new TrackProducer(info);
        publisher.AddTrack(Video);
        await relay.PublishAsync(source.Subscribe(new TrackConsumerOptions { MaxLagGroups = 100 }));
        using var consumer = await SubscribeOk(relay, Video);

        WriteGroup(source, 0, perSubgroup: 2);
        WriteGroup(source, 1, perSubgroup: 2);
        await WaitUntil(() => relay.Metrics.BytesCached == 32);
        time.Advance(TimeSpan.FromSeconds(2.5));
        Assert.Equal(0, relay.Metrics.BytesCached);
        source.Dispose();
    }
}
