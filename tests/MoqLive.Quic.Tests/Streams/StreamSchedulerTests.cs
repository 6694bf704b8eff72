using MoqLive.Quic.Streams;
using MoqLive.Transport;

namespace MoqLive.Quic.Tests.Streams;

public class StreamSchedulerTests
{
    private static List<ulong> Drain(StreamScheduler s, int picks)
    {
        var order = new List<ulong>();
        for (int i = 0; i < picks && s.TryPeek(out var id); i++)
        {
            order.Add(id.Value);
            s.Rotate(id);
        }
        return order;
    }

    [Fact]
    public void Peek_StrictUrgencyThenOrder()
    {
        var s = new StreamScheduler();
        s.Enqueue(new StreamId(0), new StreamPriority(2, 0));
        s.Enqueue(new StreamId(4), new StreamPriority(1, 5));
        s.Enqueue(new StreamId(8), new StreamPriority(1, 3));
        s.Enqueue(new StreamId(12), new StreamPriority(0, 100));
        Assert.Equal([12UL, 8, 4, 0], s.InOrder().Select(i => i.Value).ToList());
        Assert.True(s.TryPeek(out var first));
        Assert.Equal(12UL, first.Value);
    }

    [Fact]
    public void Rotate_EqualPriorities_RoundRobin()
    {
        var s = new StreamScheduler();
        foreach (ulong id in new ulong[] { 0, 4, 8 }) s.Enqueue(new StreamId(id), default);
        Assert.Equal([0UL, 4, 8, 0, 4, 8], Drain(s, 6));
    }

    [Fact]
    public void ChangePriority_TakesEffectOnNextPick()
    {
        var s = new StreamScheduler();
        s.Enqueue(new StreamId(0), new StreamPriority(1, 0));
        s.Enqueue(new StreamId(4), new StreamPriority(1, 0));
        s.ChangePriority(new StreamId(4), new StreamPriority(0, 0));
        Assert.Equal([4UL, 4, 4], Drain(s, 3));
        s.Remove(new StreamId(4));
        Assert.Equal([0UL], Drain(s, 1));
        s.Remove(new StreamId(0));
        Assert.False(s.TryPeek(out _));
    }

    [Fact]
    public void Any_ScansInServingOrderAndStopsAtFirstMatch()
    {
        var s = new StreamScheduler();
        s.Enqueue(new StreamId(0), new StreamPriority(2, 0));
        s.Enqueue(new StreamId(4), new StreamPriority(1, 5));
        s.Enqueue(new StreamId(8), new StreamPriority(1, 5));
        s.Enqueue(new StreamId(12), new StreamPriority(0, 100));
        var seen = new List<ulong>();
        Assert.True(s.Any(id =>
        {
            seen.Add(id.Value);
            return id.Value == 8;
        }));
        Assert.Equal([12UL, 4, 8], seen);
        Assert.False(s.Any(id => id.Value == 16));
    }

    [Fact]
    public void Remove_EmptiedMiddleLevel_KeepsOtherLevelsOrdered()
    {
        var s = new StreamScheduler();
        s.Enqueue(new StreamId(0), new StreamPriority(0, 3));
        s.Enqueue(new StreamId(4), new StreamPriority(0, 1));
        s.Enqueue(new StreamId(8), new StreamPriority(0, 2));
        s.Remove(new StreamId(8));
        s.Enqueue(new StreamId(12), new StreamPriority(0, 2));
        s.Enqueue(new StreamId(16), new StreamPriority(0, 0));
        Assert.Equal([16UL, 4, 12, 0], s.InOrder().Select(i => i.Value).ToList());
        Assert.Equal(4, s.Count);
    }
}
