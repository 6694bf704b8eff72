using MoqLive.Testbed.Emulation;
using MoqLive.Testbed.Traces;
using static MoqLive.Testbed.Tests.Emulation.LinkEmulatorHarness;

namespace MoqLive.Testbed.Tests.Emulation;

public sealed class TraceReplayTests
{
    [Fact]
    public void SaturatingSender_VaryingTrace_DeliveredBytesPerSecondFollowTrace()
    {
        var trace = VaryingTraceGenerator.Generate();
        var schedule = VaryingTraceGenerator.GetSchedule();
        var emulator = new LinkEmulator(
            new LinkEmulatorOptions { Trace = trace, QueueLimitBytes = 100_000 }, new Random(1));

        // 1200-byte packets every 1 ms = 9.6 Mbit/s, above the highest level (6 Mbit/s).
        var (delivered, _, _) = RunConstantSender(emulator, Ms(1), 1200, trace.Period);

        for (int second = 0; second < (int)trace.Period.TotalSeconds - 1; second++)
        {
            var from = TimeSpan.FromSeconds(second);
            long expected = schedule.Last(s => s.Start <= from).BitsPerSecond / 8;
            long actual = BytesIn(delivered, from, from + TimeSpan.FromSeconds(1));

            // One opportunity of slack at each end of the window, one packet for spanning.
            Assert.InRange(actual, expected - 3000 - 1200, expected + 3000 + 1200);
        }
    }

    [Fact]
    public void Trace_Loops_WithItsPeriod()
    {
        // Opportunities at 5 and 10 ms; period 10 ms, so also at 15, 20, 25, ...
        var trace = MahimahiTrace.FromMilliseconds([5, 10]);
        var emulator = new LinkEmulator(new LinkEmulatorOptions { Trace = trace }, new Random(1));
        for (int i = 0; i < 6; i++)
        {
            emulator.Enqueue(TimeSpan.Zero, Packet(i, 1500));
        }

        var delivered = new List<(long Sequence, TimeSpan Time, int Length)>();
        DrainAll(emulator, TimeSpan.Zero, delivered);
        Assert.Equal([Ms(5), Ms(10), Ms(15), Ms(20), Ms(25), Ms(30)], delivered.Select(d => d.Time));
    }

    [Fact]
    public void Trace_OpportunityCarriesUpToMtu_SmallPacketsShareIt()
    {
        var trace = MahimahiTrace.FromMilliseconds([10, 20]);
        var emulator = new LinkEmulator(new LinkEmulatorOptions { Trace = trace }, new Random(1));
        for (int i = 0; i < 4; i++)
        {
            emulator.Enqueue(TimeSpan.Zero, Packet(i, 500));
        }

        var delivered = new List<(long Sequence, TimeSpan Time, int Length)>();
        DrainAll(emulator, TimeSpan.Zero, delivered);

        // Three 500-byte packets fill the 1500-byte opportunity at 10 ms; the fourth waits for 20 ms.
        Assert.Equal([Ms(10), Ms(10), Ms(10), Ms(20)], delivered.Select(d => d.Time));
    }

    [Fact]
    public void Trace_IdleOpportunitiesAreWasted()
    {
        var trace = MahimahiTrace.FromMilliseconds([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        var emulator = new LinkEmulator(new LinkEmulatorOptions { Trace = trace }, new Random(1));
        emulator.Enqueue(Ms(4.5), Packet(0, 1500));
        emulator.Enqueue(Ms(4.5), Packet(1, 1500));

        var delivered = new List<(long Sequence, TimeSpan Time, int Length)>();
        DrainAll(emulator, Ms(4.5), delivered);
        Assert.Equal([Ms(5), Ms(6)], delivered.Select(d => d.Time));
    }

    [Fact]
    public void Trace_PartialOpportunityInThePast_IsNotReused()
    {
        var trace = MahimahiTrace.FromMilliseconds([10, 20, 30]);
        var emulator = new LinkEmulator(new LinkEmulatorOptions { Trace = trace }, new Random(1));
        emulator.Enqueue(TimeSpan.Zero, Packet(0, 100));
        emulator.Enqueue(Ms(15), Packet(1, 100));
        var delivered = new List<(long Sequence, TimeSpan Time, int Length)>();
        DrainAll(emulator, Ms(15), delivered);
        Assert.Equal([Ms(10), Ms(20)], delivered.Select(d => d.Time));
    }
}
