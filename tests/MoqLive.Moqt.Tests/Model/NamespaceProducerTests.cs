using MoqLive.Moqt.Model;
using static MoqLive.Moqt.Tests.Model.ModelTestHelpers;

namespace MoqLive.Moqt.Tests.Model;

public sealed class NamespaceProducerTests
{
    [Fact]
    public async Task AnnounceThenWithdraw_ReaderSeesBothInOrder()
    {
        var producer = new NamespaceProducer(TrackNamespace.Of("live"));
        var ns = TrackNamespace.Of("live", "alice");
        producer.Announce(ns);
        Assert.Equal(new NamespaceEvent(ns, true), await producer.Consumer.NextAsync().AsTask().WaitAsync(TestTimeout));
        producer.Withdraw(ns);
        Assert.Equal(new NamespaceEvent(ns, false), await producer.Consumer.NextAsync().AsTask().WaitAsync(TestTimeout));
        producer.Complete();
        Assert.Null(await producer.Consumer.NextAsync().AsTask().WaitAsync(TestTimeout));
    }

    [Fact]
    public async Task AnnounceAndWithdrawUnread_CancelOut()
    {
        var producer = new NamespaceProducer(TrackNamespace.Empty);
        var a = TrackNamespace.Of("a");
        var b = TrackNamespace.Of("b");
        for (int i = 0; i < 1000; i++)
        {
            producer.Announce(a);
            producer.Withdraw(a);
        }

        producer.Announce(b);
        Assert.Equal(2, producer.PendingCount);
        Assert.Equal(new NamespaceEvent(b, true), await producer.Consumer.NextAsync().AsTask().WaitAsync(TestTimeout));
    }

    [Fact]
    public void Dispose_RaisesCancelled()
    {
        var producer = new NamespaceProducer(TrackNamespace.Empty);
        int cancelled = 0;
        producer.Cancelled += _ => cancelled++;
        producer.Consumer.Dispose();
        producer.Consumer.Dispose();
        Assert.Equal(1, cancelled);
        Assert.True(producer.IsCancelled);
    }

    [Fact]
    public async Task NextAsync_WaitsForAnnounce()
    {
        var producer = new NamespaceProducer(TrackNamespace.Empty);
        var pending = producer.Consumer.NextAsync().AsTask();
        Assert.False(pending.IsCompleted);
        producer.Announce(TrackNamespace.Of("x"));
        Assert.True((await pending.WaitAsync(TestTimeout))!.Value.Active);
    }
}
