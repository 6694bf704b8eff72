using MoqLive.Moqt.Model;
using MoqLive.Testing;
using static MoqLive.Relay.Tests.MoqtRelaySubscribeTests;
using static MoqLive.Relay.Tests.RelayTestHelpers;

namespace MoqLive.Relay.Tests;

public sealed class MoqtRelaySlowSubscriberTests
{
    [Fact]
    public async Task SubscribersThatNeverRead_MemoryStaysBounded_OthersStayOnTime()
    {
        const int ObjectSize = 1000;
        const int ObjectsPerGroup = 10;
        const int GroupBytes = ObjectSize * ObjectsPerGroup;
        const int CacheGroups = 5;
        const int MaxLag = 3;
        const int Groups = 50;
        const int Healthy = 10;

        var pool = new CountingArrayPool();
        await using var relay = new MoqtRelay(new MoqtRelayOptions
        {
            Cache = TrackProducerOptions.Default with { MaxGroups = 1000, MaxBytes = CacheGroups * GroupBytes },
            MaxSubscriberLagGroups = MaxLag,
        });
        var publisher = new TestPublisher();
        var source = publisher.AddTrack(Video, TrackProducerOptions.Default with { MaxGroups = 1 });
        await relay.PublishNamespaceAsync(Ns, publisher);

        // Never reads at all.
        using var neverReads = await SubscribeOk(relay, Video);

        // Reads one object of the first group, keeps it, then stalls (a blocked stream).
        using var stalls = await SubscribeOk(relay, Video);
        var stalledGroupTask = stalls.NextGroupAsync().AsTask();

        var healthy = new List<(TrackConsumer Consumer, Received Received, Task Reader)>();
        for (int i = 0; i < Healthy; i++)
        {
            var consumer = await SubscribeOk(relay, Video);
            var received = new Received();
            healthy.Add((consumer, received, Task.Run(() => ReadTrackInto(consumer, received))));
        }

        long bound = (CacheGroups * GroupBytes) // relay cache
                     + GroupBytes // the publisher's own one-group window
                     + ObjectSize; // the object the stalled reader holds
        SubgroupConsumer? stalledSubgroup = null;
        MoqtObject? heldObject = null;
        for (ulong g = 0; g < Groups; g++)
        {
            WriteGroup(source, g, perSubgroup: ObjectsPerGroup, size: ObjectSize, pool: pool);

            // On time: every healthy subscriber has the whole group before the next one is published.
            int expected = (int)(g + 1) * ObjectsPerGroup;
            foreach (var (_, received, _) in healthy)
                await WaitUntil(() => received.Count == expected);

            if (g == 0)
            {
                var group = (await stalledGroupTask.WaitAsync(TestTimeout)).Group!;
                stalledSubgroup = (await group.NextSubgroupAsync().AsTask().WaitAsync(TestTimeout))!;
                heldObject = (await stalledSubgroup.ReadObjectAsync().AsTask().WaitAsync(TestTimeout)).Object;
            }

            Assert.True(relay.Metrics.BytesCached <= CacheGroups * GroupBytes, $"cached {relay.Metrics.BytesCached} after group {g}");
            Assert.True(pool.OutstandingBytes <= bound, $"outstanding {pool.OutstandingBytes} > {bound} after group {g}");
        }

        Assert.True(pool.PeakOutstandingBytes <= bound + GroupBytes, $"peak {pool.PeakOutstandingBytes}");
        source.Complete();
        foreach (var (consumer, received, reader) in healthy)
        {
            await reader.WaitAsync(TestTimeout);
            Assert.Equal(Groups * ObjectsPerGroup, received.Objects.Count);
            Assert.Equal(0, received.LostGroups);
            Assert.Equal(PublishDoneStatusCode.TrackEnded, received.End!.StatusCode);
            consumer.Dispose();
        }

        // The stalled reader's group went stale: the rest of it is abandoned (its stream would be reset).
        var stalledRead = await stalledSubgroup!.ReadObjectAsync().AsTask().WaitAsync(TestTimeout);
        Assert.Equal(ObjectReadStatus.Abandoned, stalledRead.Status);
        heldObject!.Release();

        // The subscriber that never read lost every stale group and skipped to the newest one, which it gets complete.
        var late = await ReadTrack(neverReads).WaitAsync(TestTimeout);
        Assert.Equal(Groups - 1, late.LostGroups);
        Assert.Equal(ObjectsPerGroup, late.Objects.Count);
        Assert.All(late.Objects, l => Assert.Equal((ulong)(Groups - 1), l.Group));
        Assert.True(relay.Metrics.DroppedGroups >= Groups - 1);
    }
}
