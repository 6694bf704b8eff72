using Microsoft.Extensions.Time.Testing;
using MoqLive.Moqt.Model;
using static MoqLive.Moqt.Tests.Model.ModelTestHelpers;

namespace MoqLive.Moqt.Tests.Model;

public sealed class TrackProducerTests
{
    [Fact]
    public async Task Subscribe_BeforeWrites_ReadsGroupsAndObjectsInOrder()
    {
        using var producer = Producer();
        using var consumer = producer.Subscribe();
        var reading = ReadTrack(consumer);

        for (ulong g = 0; g < 3; g++)
            WriteGroup(producer, g, 5);
        producer.Complete();

        var (objects, end, lost) = await reading.WaitAsync(TestTimeout);
        Assert.Equal(15, objects.Count);
        Assert.Equal(objects.OrderBy(l => l).ToList(), objects);
        Assert.Equal(PublishDoneStatusCode.TrackEnded, end.StatusCode);
        Assert.False(end.Aborted);
        Assert.Equal(0, lost);
    }

    [Fact]
    public async Task Clone_TwoReaders_BothGetEveryObjectAsTheSameInstance()
    {
        using var producer = Producer();
        using var first = producer.Subscribe(new TrackConsumerOptions { Start = TrackStart.NextGroup });
        using var second = first.Clone();
        Assert.Equal(2, producer.ConsumerCount);

        WriteGroup(producer, 0, 3);
        producer.Complete();

        var g1 = (await first.NextGroupAsync().AsTask().WaitAsync(TestTimeout)).Group!;
        var g2 = (await second.NextGroupAsync().AsTask().WaitAsync(TestTimeout)).Group!;
        var s1 = (await g1.NextSubgroupAsync().AsTask().WaitAsync(TestTimeout))!;
        var s2 = (await g2.NextSubgroupAsync().AsTask().WaitAsync(TestTimeout))!;
        var o1 = await s1.ReadObjectAsync().AsTask().WaitAsync(TestTimeout);
        var o2 = await s2.ReadObjectAsync().AsTask().WaitAsync(TestTimeout);

        Assert.Same(o1.Object, o2.Object);

        // Group + two readers.
        Assert.Equal(3, o1.Object!.Payload.RefCount);
        o1.Object.Release();
        o2.Object!.Release();
        Assert.Equal(1, o1.Object.Payload.RefCount);
    }

    [Fact]
    public async Task StartLargestObject_MidGroup_GetsOnlyNewObjects()
    {
        using var producer = Producer();
        var group = producer.CreateGroup(7);
        var subgroup = group.CreateSubgroup(0);
        subgroup.Write(0, Payload(7, 0));
        subgroup.Write(1, Payload(7, 1));

        using var consumer = producer.Subscribe(new TrackConsumerOptions { Start = TrackStart.LargestObject });
        Assert.Equal(new Location(7, 1), consumer.JoiningLocation);
        subgroup.Write(2, Payload(7, 2));
        subgroup.Complete();
        group.Complete();
        WriteGroup(producer, 8, 1);
        producer.Complete();

        var (objects, _, _) = await ReadTrack(consumer).WaitAsync(TestTimeout);
        Assert.Equal([new Location(7, 2), new Location(8, 0)], objects);
    }

    [Fact]
    public async Task StartLargestObject_CurrentGroupArrivedBeforeAnEarlierOne_GetsTheRestOfTheCurrentGroup()
    {
        // Groups are separate streams: a relay may create group 0 after group 1 (its stream came second).
        using var producer = Producer();
        var current = producer.CreateGroup(1);
        var subgroup = current.CreateSubgroup(0);
        subgroup.Write(0, Payload(1, 0));
        subgroup.Write(1, Payload(1, 1));
        WriteGroup(producer, 0, 3);

        using var consumer = producer.Subscribe(new TrackConsumerOptions { Start = TrackStart.LargestObject });
        Assert.Equal(new Location(1, 1), consumer.JoiningLocation);
        subgroup.Write(2, Payload(1, 2));
        subgroup.Complete();
        current.Complete();
        WriteGroup(producer, 2, 1);
        producer.Complete();

        var (objects, _, _) = await ReadTrack(consumer).WaitAsync(TestTimeout);
        Assert.Equal([new Location(1, 2), new Location(2, 0)], objects);
    }

    [Fact]
    public async Task StartLatestGroup_GroupsArrivedOutOfOrder_StartsAtTheHighestGroup()
    {
        using var producer = Producer();
        WriteGroup(producer, 1, 2, complete: false);
        WriteGroup(producer, 0, 2);

        using var consumer = producer.Subscribe(new TrackConsumerOptions { Start = TrackStart.LatestGroup });
        producer.Complete();

        var (objects, _, _) = await ReadTrack(consumer).WaitAsync(TestTimeout);
        Assert.Equal([new Location(1, 0), new Location(1, 1)], objects);
    }

    [Fact]
    public async Task StartLatestGroup_LateJoiner_GetsCurrentGroupFromItsFirstObject()
    {
        using var producer = Producer();
        WriteGroup(producer, 0, 2);
        WriteGroup(producer, 1, 3, complete: false);

        using var consumer = producer.Subscribe(new TrackConsumerOptions { Start = TrackStart.LatestGroup });
        producer.Complete();

        var (objects, _, _) = await ReadTrack(consumer).WaitAsync(TestTimeout);
        Assert.Equal([new Location(1, 0), new Location(1, 1), new Location(1, 2)], objects);
    }

    [Fact]
    public async Task StartNextGroup_SkipsCurrentGroup()
    {
        using var producer = Producer();
        WriteGroup(producer, 0, 2, complete: false);
        using var consumer = producer.Subscribe(new TrackConsumerOptions { Start = TrackStart.NextGroup });
        WriteGroup(producer, 1, 1);
        producer.Complete();

        var (objects, _, _) = await ReadTrack(consumer).WaitAsync(TestTimeout);
        Assert.Equal([new Location(1, 0)], objects);
    }

    [Fact]
    public async Task StartAbsoluteRange_EndsWithSubscriptionEndedAfterEndGroup()
    {
        using var producer = Producer(TrackProducerOptions.Default with { MaxGroups = 10 });
        for (ulong g = 0; g < 5; g++)
            WriteGroup(producer, g, 2);

        using var consumer = producer.Subscribe(new TrackConsumerOptions { Start = TrackStart.At(new Location(1, 1), endGroup: 2), MaxLagGroups = 10 });
        var (objects, end, _) = await ReadTrack(consumer).WaitAsync(TestTimeout);

        Assert.Equal([new Location(1, 1), new Location(2, 0), new Location(2, 1)], objects);
        Assert.Equal(PublishDoneStatusCode.SubscriptionEnded, end.StatusCode);
    }

    [Fact]
    public async Task Abort_OpenSubgroup_ReaderSeesAbortedThenAbortedEnd()
    {
        using var producer = Producer();
        using var consumer = producer.Subscribe();
        var group = producer.CreateGroup(0);
        var subgroup = group.CreateSubgroup(0);
        subgroup.Write(0, Payload(0, 0));

        var g = (await consumer.NextGroupAsync().AsTask().WaitAsync(TestTimeout)).Group!;
        var s = (await g.NextSubgroupAsync().AsTask().WaitAsync(TestTimeout))!;
        producer.Abort(PublishDoneStatusCode.InternalError, "session lost");

        var (objects, final) = await ReadAll(s);
        Assert.Single(objects);
        Assert.Equal(ObjectReadStatus.Aborted, final);
        var next = await consumer.NextGroupAsync().AsTask().WaitAsync(TestTimeout);
        Assert.True(next.IsEnd);
        Assert.True(next.End!.Aborted);
        Assert.Equal("session lost", next.End.Reason);
    }

    [Fact]
    public async Task NextGroupAsync_WaitsUntilAGroupArrives()
    {
        using var producer = Producer();
        using var consumer = producer.Subscribe();
        var pending = consumer.NextGroupAsync().AsTask();
        Assert.False(pending.IsCompleted);

        producer.CreateGroup(3);

        var next = await pending.WaitAsync(TestTimeout);
        Assert.Equal(3UL, next.Group!.GroupId);
    }

    [Fact]
    public async Task NextGroupAsync_Cancelled_Throws()
    {
        using var producer = Producer();
        using var consumer = producer.Subscribe();
        using var cts = new CancellationTokenSource();
        var pending = consumer.NextGroupAsync(cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(TestTimeout));
    }

    [Fact]
    public async Task LaggingConsumer_SkipsWholeGroupsAndReportsThem()
    {
        using var producer = Producer(TrackProducerOptions.Default with { MaxGroups = 100 });
        using var slow = producer.Subscribe(new TrackConsumerOptions { Start = TrackStart.NextGroup, MaxLagGroups = 2 });
        using var fast = producer.Subscribe(new TrackConsumerOptions { Start = TrackStart.NextGroup, MaxLagGroups = 100 });

        // The producer never waits for readers.
        for (ulong g = 0; g < 10; g++)
            WriteGroup(producer, g, 3);
        producer.Complete();

        var (slowObjects, _, slowLost) = await ReadTrack(slow).WaitAsync(TestTimeout);
        var (fastObjects, _, fastLost) = await ReadTrack(fast).WaitAsync(TestTimeout);

        Assert.Equal(30, fastObjects.Count);
        Assert.Equal(0, fastLost);
        Assert.Equal(9, slowLost);
        Assert.Equal(9, slow.LostGroups);

        // Whole groups only: it skipped to the newest group, 9, and read it complete.
        Assert.Equal([9UL, 9, 9], slowObjects.Select(l => l.Group));
    }

    [Fact]
    public async Task ConsumerSlowerThanProducer_StillCompletesGroups()
    {
        const int Groups = 60;
        const int ObjectsPerGroup = 4;
        using var producer = Producer(TrackProducerOptions.Default with { MaxGroups = 100 });
        using var consumer = producer.Subscribe(new TrackConsumerOptions { Start = TrackStart.NextGroup, MaxLagGroups = 4 });

        // Lock-step: the producer writes two objects for every one the consumer reads, all along (half real time).
        ulong g = 0;
        ulong o = 0;
        GroupProducer? group = null;
        SubgroupProducer? subgroup = null;
        void WriteOne()
        {
            if (subgroup is null)
            {
                group = producer.CreateGroup(g);
                subgroup = group.CreateSubgroup(0);
            }

            subgroup.Write(o, Payload(g, o));
            if (++o == ObjectsPerGroup)
            {
                subgroup.Complete();
                group!.Complete();
                (subgroup, o) = (null, 0);
                g++;
            }
        }

        var completed = new List<ulong>();
        var abandoned = new List<ulong>();
        WriteOne();
        while (g < Groups)
        {
            var next = await consumer.NextGroupAsync().AsTask().WaitAsync(TestTimeout);
            var reading = (await next.Group!.NextSubgroupAsync().AsTask().WaitAsync(TestTimeout))!;
            while (true)
            {
                WriteOne();
                WriteOne();
                var read = await reading.ReadObjectAsync().AsTask().WaitAsync(TestTimeout);
                if (read.Status == ObjectReadStatus.Object)
                {
                    read.Object!.Release();
                    continue;
                }

                Assert.NotEqual(ObjectReadStatus.Aborted, read.Status);
                (read.Status == ObjectReadStatus.End ? completed : abandoned).Add(reading.GroupId);
                break;
            }
        }

        // Skipping to the oldest group within the bound would hand it a group that goes stale one group later, so once
        // it had fallen behind it would abandon every group. Skipping to the newest leaves it the time of MaxLagGroups
        // groups to finish one: it keeps completing groups (and drops the stale ones in between). A half-speed reader
        // can finish at most one group in two; it must finish some in the second half of the run.
        int steadyCompleted = completed.Count(id => id >= Groups / 2);
        Assert.True(steadyCompleted >= Groups / 2 / 8, $"completed [{string.Join(",", completed)}], abandoned [{string.Join(",", abandoned)}]");
        Assert.True(consumer.LostGroups > 0);
    }

    [Fact]
    public async Task LaggingConsumer_GroupInProgressBecomesStale_IsAbandoned()
    {
        using var producer = Producer();
        using var consumer = producer.Subscribe(new TrackConsumerOptions { Start = TrackStart.NextGroup, MaxLagGroups = 2 });
        var group = producer.CreateGroup(0);
        var subgroup = group.CreateSubgroup(0);
        subgroup.Write(0, Payload(0, 0));
        subgroup.Write(1, Payload(0, 1));

        var g = (await consumer.NextGroupAsync().AsTask().WaitAsync(TestTimeout)).Group!;
        var s = (await g.NextSubgroupAsync().AsTask().WaitAsync(TestTimeout))!;
        var first = await s.ReadObjectAsync().AsTask().WaitAsync(TestTimeout);
        first.Object!.Release();

        WriteGroup(producer, 1, 1);
        Assert.False(g.IsAbandoned);
        WriteGroup(producer, 2, 1);

        var read = await s.ReadObjectAsync().AsTask().WaitAsync(TestTimeout);
        Assert.Equal(ObjectReadStatus.Abandoned, read.Status);
        Assert.Equal(StreamResetCode.TooFarBehind, read.ResetCode);
        Assert.True(g.IsAbandoned);
    }

    [Fact]
    public async Task WaitingReaderOfStaleGroup_IsWokenAndAbandoned()
    {
        using var producer = Producer();
        using var consumer = producer.Subscribe(new TrackConsumerOptions { Start = TrackStart.NextGroup, MaxLagGroups = 1 });
        var group = producer.CreateGroup(0);
        var subgroup = group.CreateSubgroup(0);
        var g = (await consumer.NextGroupAsync().AsTask().WaitAsync(TestTimeout)).Group!;
        var s = (await g.NextSubgroupAsync().AsTask().WaitAsync(TestTimeout))!;
        var pending = s.ReadObjectAsync().AsTask();
        Assert.False(pending.IsCompleted);

        producer.CreateGroup(1);

        Assert.Equal(ObjectReadStatus.Abandoned, (await pending.WaitAsync(TestTimeout)).Status);
        subgroup.Complete();
    }

    [Fact]
    public void Write_ObjectIdsNotAscending_Throws()
    {
        using var producer = Producer();
        var subgroup = producer.CreateGroup(0).CreateSubgroup(0);
        subgroup.Write(5, Payload(0, 5));
        Assert.Throws<ArgumentException>(() => subgroup.Write(5, Payload(0, 5)));
    }

    [Fact]
    public void CreateGroup_AfterEnd_Throws()
    {
        using var producer = Producer();
        producer.Complete();
        Assert.Throws<InvalidOperationException>(() => producer.CreateGroup(0));
    }

    [Fact]
    public void GetOrCreateGroup_SameId_SharesTheGroup()
    {
        using var producer = Producer();
        var a = producer.GetOrCreateGroup(4);
        var b = producer.GetOrCreateGroup(4);
        a.CreateSubgroup(0).Write(0, Payload(4, 0));
        b.CreateSubgroup(1).Write(1, Payload(4, 1));
        Assert.Equal(1, producer.CachedGroups);
        Assert.Equal(new Location(4, 1), producer.LargestLocation);
    }

    [Fact]
    public void Window_ByGroupCount_EvictsOldest()
    {
        using var producer = Producer(TrackProducerOptions.Default with { MaxGroups = 3 });
        for (ulong g = 0; g < 5; g++)
            WriteGroup(producer, g, 1);
        Assert.Equal(3, producer.CachedGroups);
        Assert.Equal(2, producer.EvictedGroups);
    }

    [Fact]
    public void Window_ByBytes_KeepsAtMostTheBoundPlusTheNewestGroup()
    {
        // Each object is 8 payload bytes; 10 per group = 80 bytes.
        using var producer = Producer(TrackProducerOptions.Default with { MaxGroups = 100, MaxBytes = 200 });
        for (ulong g = 0; g < 10; g++)
        {
            WriteGroup(producer, g, 10);
            Assert.True(producer.CachedBytes <= 200, $"cached {producer.CachedBytes}");
        }

        Assert.Equal(2, producer.CachedGroups);
    }

    [Fact]
    public void Window_ByAge_EvictsWithFakeTime()
    {
        var time = new FakeTimeProvider();
        using var producer = Producer(TrackProducerOptions.Default with { MaxAge = TimeSpan.FromSeconds(2), TimeProvider = time });
        WriteGroup(producer, 0, 1);
        time.Advance(TimeSpan.FromSeconds(1));
        WriteGroup(producer, 1, 1);
        time.Advance(TimeSpan.FromSeconds(1.5));
        producer.TrimExpired();
        Assert.Equal(1, producer.CachedGroups);
        time.Advance(TimeSpan.FromSeconds(1));
        producer.TrimExpired();
        Assert.Equal(0, producer.CachedGroups);
        Assert.Equal(0, producer.CachedBytes);
    }

    [Fact]
    public void Window_NewestGroupStillOpen_IsNotEvictedByAge()
    {
        var time = new FakeTimeProvider();
        using var producer = Producer(TrackProducerOptions.Default with { MaxAge = TimeSpan.FromSeconds(1), TimeProvider = time });
        WriteGroup(producer, 0, 1, complete: false);
        time.Advance(TimeSpan.FromSeconds(5));
        producer.TrimExpired();
        Assert.Equal(1, producer.CachedGroups);
    }

    [Fact]
    public async Task EvictedGroup_ConsumerBehindWindow_SkipsToFirstCachedGroup()
    {
        using var producer = Producer(TrackProducerOptions.Default with { MaxGroups = 2 });
        using var consumer = producer.Subscribe(new TrackConsumerOptions { Start = TrackStart.NextGroup, MaxLagGroups = 50 });
        for (ulong g = 0; g < 6; g++)
            WriteGroup(producer, g, 1);
        producer.Complete();

        var (objects, _, lost) = await ReadTrack(consumer).WaitAsync(TestTimeout);
        Assert.Equal([new Location(4, 0), new Location(5, 0)], objects);
        Assert.Equal(4, lost);
    }

    [Fact]
    public void Unused_FiresWhenLastConsumerDisposed()
    {
        using var producer = Producer();
        int fired = 0;
        producer.Unused += _ => fired++;
        var a = producer.Subscribe();
        var b = a.Clone();
        a.Dispose();
        Assert.Equal(0, fired);
        b.Dispose();
        b.Dispose();
        Assert.Equal(1, fired);
        Assert.Equal(0, producer.ConsumerCount);
    }

    [Fact]
    public async Task Datagrams_AppearAsDatagramSubgroup()
    {
        using var producer = Producer();
        using var consumer = producer.Subscribe();
        var group = producer.CreateGroup(0);
        group.WriteDatagram(0, Payload(0, 0));
        group.WriteDatagram(1, Payload(0, 1));
        group.Complete();
        producer.Complete();

        var g = (await consumer.NextGroupAsync().AsTask().WaitAsync(TestTimeout)).Group!;
        var s = (await g.NextSubgroupAsync().AsTask().WaitAsync(TestTimeout))!;
        Assert.True(s.IsDatagram);
        var (objects, final) = await ReadAll(s);
        Assert.Equal(2, objects.Count);
        Assert.Equal(ObjectReadStatus.End, final);
    }

    [Fact]
    public async Task EndOfGroupStatus_IsDeliveredAsAnObject()
    {
        using var producer = Producer();
        using var consumer = producer.Subscribe();
        var subgroup = producer.CreateGroup(0).CreateSubgroup(0);
        subgroup.Write(0, Payload(0, 0));
        subgroup.WriteStatus(1, ObjectStatus.EndOfGroup);
        subgroup.Complete();

        var g = (await consumer.NextGroupAsync().AsTask().WaitAsync(TestTimeout)).Group!;
        var s = (await g.NextSubgroupAsync().AsTask().WaitAsync(TestTimeout))!;
        (await s.ReadObjectAsync().AsTask().WaitAsync(TestTimeout)).Object!.Release();
        var status = await s.ReadObjectAsync().AsTask().WaitAsync(TestTimeout);
        Assert.Equal(ObjectStatus.EndOfGroup, status.Object!.Status);
        Assert.Equal(0, status.Object.Payload.Length);
        Assert.Equal(ObjectReadStatus.End, (await s.ReadObjectAsync().AsTask().WaitAsync(TestTimeout)).Status);
    }

    [Fact]
    public void AdvanceLargestLocation_SeedsLargestObjectStart()
    {
        using var producer = Producer();
        producer.AdvanceLargestLocation(new Location(5, 10));
        producer.AdvanceLargestLocation(new Location(4, 0));
        using var consumer = producer.Subscribe();
        Assert.Equal(new Location(5, 10), consumer.JoiningLocation);
        Assert.Null(producer.CachedFrom);
    }

    [Fact]
    public void CachedFrom_IsTheSmallestCachedLocation()
    {
        using var producer = Producer(TrackProducerOptions.Default with { MaxGroups = 2 });
        var subgroup = producer.CreateGroup(3).CreateSubgroup(0);
        subgroup.Write(4, Payload(3, 4));
        Assert.Equal(new Location(3, 4), producer.CachedFrom);
        WriteGroup(producer, 4, 1);
        WriteGroup(producer, 5, 1);
        Assert.Equal(new Location(4, 0), producer.CachedFrom);
    }
}
