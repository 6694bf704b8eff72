using MoqLive.Testbed.Emulation;
using static MoqLive.Testbed.Tests.Emulation.LinkEmulatorHarness;

namespace MoqLive.Testbed.Tests.Emulation;

public sealed class DelayJitterTests
{
    [Fact]
    public void Enqueue_FixedDelay_DeliversExactlyAfterDelay()
    {
        var emulator = new LinkEmulator(new LinkEmulatorOptions { Delay = Ms(20) }, new Random(1));
        Assert.Equal(EnqueueResult.Accepted, emulator.Enqueue(Ms(5), Packet(0)));
        Assert.Equal(Ms(25), emulator.NextEventTime);
        Assert.False(emulator.TryDequeue(Ms(24.999), out _));
        Assert.True(emulator.TryDequeue(Ms(25), out var packet));
        Assert.Equal(0, SequenceOf(packet));
        Assert.Null(emulator.NextEventTime);
    }

    [Fact]
    public void Enqueue_NoImpairment_DeliversImmediately()
    {
        var emulator = new LinkEmulator(new LinkEmulatorOptions(), new Random(1));
        emulator.Enqueue(Ms(7), Packet(3));
        Assert.True(emulator.TryDequeue(Ms(7), out var packet));
        Assert.Equal(3, SequenceOf(packet));
    }

    [Fact]
    public void Enqueue_Jitter_DelayWithinBoundsAndNoReordering()
    {
        var options = new LinkEmulatorOptions { Delay = Ms(15), Jitter = Ms(10) };
        var emulator = new LinkEmulator(options, new Random(42));
        var sent = new Dictionary<long, TimeSpan>();
        var delivered = new List<(long Sequence, TimeSpan Time, int Length)>();
        for (int i = 0; i < 10_000; i++)
        {
            TimeSpan now = Ms(i * 0.5);
            DrainDue(emulator, now, delivered);
            sent[i] = now;
            emulator.Enqueue(now, Packet(i));
        }

        DrainAll(emulator, Ms(5000), delivered);
        Assert.Equal(10_000, delivered.Count);
        var delays = delivered.Select(d => d.Time - sent[d.Sequence]).ToList();
        Assert.All(delays, d => Assert.InRange(d, Ms(5), Ms(25)));
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => (long)i), delivered.Select(d => d.Sequence));
        for (int i = 1; i < delivered.Count; i++)
        {
            Assert.True(delivered[i].Time >= delivered[i - 1].Time);
        }

        // The jitter is real: delays spread over most of the range.
        Assert.True(delays.Max() - delays.Min() > Ms(15));
    }

    [Fact]
    public void Enqueue_JitterWithReordering_ReordersAndKeepsBounds()
    {
        var options = new LinkEmulatorOptions { Delay = Ms(15), Jitter = Ms(10), AllowReordering = true };
        var emulator = new LinkEmulator(options, new Random(42));
        var delivered = new List<(long Sequence, TimeSpan Time, int Length)>();
        for (int i = 0; i < 1000; i++)
        {
            emulator.Enqueue(Ms(i), Packet(i));
        }

        DrainAll(emulator, Ms(999), delivered);
        Assert.Equal(1000, delivered.Count);
        Assert.All(delivered, d => Assert.InRange(d.Time - Ms(d.Sequence), Ms(5), Ms(25)));
        int inversions = 0;
        for (int i = 1; i < delivered.Count; i++)
        {
            Assert.True(delivered[i].Time >= delivered[i - 1].Time);
            if (delivered[i].Sequence < delivered[i - 1].Sequence)
            {
                inversions++;
            }
        }

        Assert.True(inversions > 50, $"expected reordering, saw {inversions} inversions");
    }

    [Fact]
    public void Enqueue_SameSeed_SameSchedule()
    {
        static List<TimeSpan> Run()
        {
            var emulator = new LinkEmulator(
                new LinkEmulatorOptions { Delay = Ms(10), Jitter = Ms(5), LossRate = 0.1 }, new Random(7));
            var delivered = new List<(long Sequence, TimeSpan Time, int Length)>();
            for (int i = 0; i < 500; i++)
            {
                emulator.Enqueue(Ms(i), Packet(i));
            }

            DrainAll(emulator, Ms(499), delivered);
            return delivered.Select(d => d.Time).ToList();
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Enqueue_TimeGoesBackwards_Throws()
    {
        var emulator = new LinkEmulator(new LinkEmulatorOptions(), new Random(1));
        emulator.Enqueue(Ms(10), Packet(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => emulator.Enqueue(Ms(9), Packet(1)));
    }
}
