using MoqLive.Moqt.Model;
using static MoqLive.Moqt.Tests.Model.ModelTestHelpers;

namespace MoqLive.Moqt.Tests.Model;

public sealed class FetchTests
{
    private static async Task<List<Location>> ReadFetch(FetchConsumer fetch)
    {
        var list = new List<Location>();
        while (true)
        {
            var r = await fetch.ReadObjectAsync().AsTask().WaitAsync(TestTimeout);
            if (r.Status != ObjectReadStatus.Object)
            {
                Assert.Equal(ObjectReadStatus.End, r.Status);
                return list;
            }

            list.Add(r.Object!.Location);
            r.Object.Release();
        }
    }

    [Fact]
    public async Task Fetch_AcrossSubgroups_ObjectsInIdOrder()
    {
        using var producer = Producer();
        var group = producer.CreateGroup(0);
        var even = group.CreateSubgroup(0);
        var odd = group.CreateSubgroup(1);
        for (ulong i = 0; i < 6; i++)
            (i % 2 == 0 ? even : odd).Write(i, Payload(0, i));

        var result = producer.Fetch(new Location(0, 1), new Location(0, ulong.MaxValue));
        Assert.True(result.IsOk);
        Assert.Equal(new Location(0, 5), result.Value!.EndLocation);
        Assert.False(result.Value.EndOfTrack);
        Assert.Equal([1UL, 2, 3, 4, 5], (await ReadFetch(result.Value.Objects)).Select(l => l.Object));
    }

    [Fact]
    public async Task Fetch_Descending_GroupsNewestFirst()
    {
        using var producer = Producer();
        for (ulong g = 0; g < 3; g++)
            WriteGroup(producer, g, 2);
        producer.Complete();

        var result = producer.Fetch(Location.Zero, new Location(9, 0), GroupOrder.Descending);
        Assert.True(result.Value!.EndOfTrack);
        Assert.Equal(
            [new Location(2, 0), new Location(2, 1), new Location(1, 0), new Location(1, 1), new Location(0, 0), new Location(0, 1)],
            await ReadFetch(result.Value.Objects));
    }

    [Fact]
    public void Fetch_NothingPublishedOrStartBeyondLargest_InvalidRange()
    {
        using var producer = Producer();
        Assert.Equal(RequestErrorCode.InvalidRange, producer.Fetch(Location.Zero, new Location(1, 0)).ErrorCode);
        WriteGroup(producer, 0, 1);
        var result = producer.Fetch(new Location(0, 1), new Location(1, 0));
        Assert.False(result.IsOk);
        Assert.Equal(RequestErrorCode.InvalidRange, result.ErrorCode);
    }

    [Fact]
    public async Task RelativeJoiningFetch_ZeroGroupsBack_CoversCurrentGroupUpToJoiningLocation()
    {
        using var producer = Producer();
        WriteGroup(producer, 0, 3);
        WriteGroup(producer, 1, 3, complete: false);
        using var subscription = producer.Subscribe();

        var request = FetchRequest.RelativeJoining(subscription, 0);
        Assert.True(request.TryResolveRange(out var start, out var end));
        Assert.Equal(new Location(1, 0), start);
        Assert.Equal(new Location(1, 2), end);

        var fetched = await ReadFetch(producer.Fetch(start, end).Value!.Objects);
        Assert.Equal([new Location(1, 0), new Location(1, 1), new Location(1, 2)], fetched);
    }

    [Fact]
    public void JoiningFetch_NothingPublished_DoesNotResolve()
    {
        using var producer = Producer();
        using var subscription = producer.Subscribe();
        Assert.False(FetchRequest.AbsoluteJoining(subscription, 0).TryResolveRange(out _, out _));
    }

    [Fact]
    public async Task FetchProducer_Abort_ReaderSeesObjectsThenAbort()
    {
        var producer = new FetchProducer(capacity: 4);
        await producer.WriteAsync(new MoqtObject(0, 0, 0, 128, ObjectStatus.Normal, Payload(0, 0))).AsTask().WaitAsync(TestTimeout);
        producer.Abort(StreamResetCode.UnknownObjectStatus);

        var first = await producer.Consumer.ReadObjectAsync().AsTask().WaitAsync(TestTimeout);
        first.Object!.Release();
        var second = await producer.Consumer.ReadObjectAsync().AsTask().WaitAsync(TestTimeout);
        Assert.Equal(ObjectReadStatus.Aborted, second.Status);
        Assert.Equal(StreamResetCode.UnknownObjectStatus, second.ResetCode);
    }

    [Fact]
    public async Task FetchConsumer_Disposed_BlockedWriterReleasesPayload()
    {
        var pool = new MoqLive.Testing.CountingArrayPool();
        var producer = new FetchProducer(capacity: 1);
        await producer.WriteAsync(new MoqtObject(0, 0, 0, 128, ObjectStatus.Normal, Payload(0, 0, pool))).AsTask().WaitAsync(TestTimeout);
        var blocked = producer.WriteAsync(new MoqtObject(0, 0, 1, 128, ObjectStatus.Normal, Payload(0, 1, pool))).AsTask();
        Assert.False(blocked.IsCompleted);

        producer.Consumer.Dispose();
        await blocked.WaitAsync(TestTimeout);
        Assert.Equal(2, pool.Returned);
    }
}
