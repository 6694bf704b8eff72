using MoqLive.Moqt.Model;
using MoqLive.Testing;
using static MoqLive.Moqt.Tests.Model.ModelTestHelpers;

namespace MoqLive.Moqt.Tests.Model;

public sealed class MoqtPayloadTests
{
    [Fact]
    public void Create_CopiesBytes_OneReference()
    {
        var pool = new CountingArrayPool();
        var payload = MoqtPayload.Create([1, 2, 3], pool);
        Assert.Equal([1, 2, 3], payload.Span.ToArray());
        Assert.Equal(1, payload.RefCount);
        Assert.Equal(1, pool.Outstanding);
    }

    [Fact]
    public void Release_LastReference_ReturnsBufferToPool()
    {
        var pool = new CountingArrayPool();
        var payload = MoqtPayload.Create([1, 2, 3], pool);
        payload.Retain();
        payload.Release();
        Assert.Equal(0, pool.Returned);
        payload.Release();
        Assert.Equal(1, pool.Returned);
        Assert.Equal(0, payload.RefCount);
        Assert.Throws<ObjectDisposedException>(() => payload.Memory);
        Assert.False(payload.TryRetain());
    }

    [Fact]
    public void Release_MoreThanRetained_Throws()
    {
        var payload = MoqtPayload.Create([1], new CountingArrayPool());
        payload.Release();
        Assert.Throws<InvalidOperationException>(payload.Release);
    }

    [Fact]
    public void Empty_IsNotCounted()
    {
        MoqtPayload.Empty.Release();
        MoqtPayload.Empty.Retain();
        Assert.Equal(0, MoqtPayload.Empty.Length);
        Assert.Same(MoqtPayload.Empty, MoqtPayload.Create([]));
    }

    [Fact]
    public void Rent_FillThroughWritableSpan()
    {
        var payload = MoqtPayload.Rent(4, new CountingArrayPool());
        payload.GetWritableSpan().Fill(7);
        Assert.Equal([7, 7, 7, 7], payload.Span.ToArray());
    }

    [Fact]
    public async Task Track_ReadersReleaseAndGroupsLeaveWindow_EveryBufferReturned()
    {
        var pool = new CountingArrayPool();
        var producer = Producer(TrackProducerOptions.Default with { MaxGroups = 2 });
        using var a = producer.Subscribe(new TrackConsumerOptions { Start = TrackStart.NextGroup, MaxLagGroups = 10 });
        using var b = a.Clone();
        var readA = ReadTrack(a);
        var readB = ReadTrack(b);

        for (ulong g = 0; g < 2; g++)
            WriteGroup(producer, g, 10, pool);
        producer.Complete();
        await Task.WhenAll(readA, readB).WaitAsync(TestTimeout);

        Assert.Equal(20, pool.Rented);

        // Only the cache window still holds the two groups.
        Assert.Equal(0, pool.Returned);
        WriteGroupAfterEndIsNotPossible(producer);
        producer.Dispose();
        Assert.Equal(20, pool.Returned);
        Assert.Equal(0, pool.OutstandingBytes);
    }

    [Fact]
    public async Task Eviction_ReleasesGroupReference_ReaderKeepsItsOwn()
    {
        var pool = new CountingArrayPool();
        using var producer = Producer(TrackProducerOptions.Default with { MaxGroups = 1 });
        using var consumer = producer.Subscribe(new TrackConsumerOptions { Start = TrackStart.NextGroup });
        WriteGroup(producer, 0, 1, pool);
        var group = (await consumer.NextGroupAsync().AsTask().WaitAsync(TestTimeout)).Group!;
        var subgroup = (await group.NextSubgroupAsync().AsTask().WaitAsync(TestTimeout))!;
        var read = await subgroup.ReadObjectAsync().AsTask().WaitAsync(TestTimeout);

        WriteGroup(producer, 1, 1, pool);

        // Group 0 left the window: its reference is gone, the reader's is not.
        Assert.Equal(1, read.Object!.Payload.RefCount);
        Assert.Equal(0, pool.Returned);
        read.Object.Release();
        Assert.Equal(1, pool.Returned);
    }

    private static void WriteGroupAfterEndIsNotPossible(TrackProducer producer)
        => Assert.Throws<InvalidOperationException>(() => producer.CreateGroup(99));
}
