using MoqLive.Testbed.Emulation;
using static MoqLive.Testbed.Tests.Emulation.LinkEmulatorHarness;

namespace MoqLive.Testbed.Tests.Emulation;

public sealed class RateLimitTests
{
    [Theory]
    [InlineData(10_000_000L, 1500)]
    [InlineData(1_500_000L, 1200)]
    [InlineData(20_000_000L, 1000)]
    public void SaturatingSender_ThroughputEqualsRate(long rate, int size)
    {
        var emulator = new LinkEmulator(
            new LinkEmulatorOptions { RateBitsPerSecond = rate, QueueLimitBytes = 64_000 }, new Random(1));

        // Offer twice the rate.
        var interval = TimeSpan.FromTicks(size * 8L * TimeSpan.TicksPerSecond / rate / 2);
        var (delivered, _, results) = RunConstantSender(emulator, interval, size, TimeSpan.FromSeconds(10));

        double bitsPerSecond = BytesIn(delivered, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(9)) * 8 / 8.0;
        Assert.InRange(bitsPerSecond, rate * 0.99, rate * 1.01);
        Assert.Contains(EnqueueResult.DroppedQueueFull, results);
    }

    [Fact]
    public void Burst_PacketLimit_DropsTail()
    {
        var emulator = new LinkEmulator(
            new LinkEmulatorOptions { RateBitsPerSecond = 1_000_000, QueueLimitPackets = 10, QueueLimitBytes = null },
            new Random(1));
        var results = Enumerable.Range(0, 100).Select(i => emulator.Enqueue(TimeSpan.Zero, Packet(i, 1000))).ToList();

        Assert.All(results.Take(10), r => Assert.Equal(EnqueueResult.Accepted, r));
        Assert.All(results.Skip(10), r => Assert.Equal(EnqueueResult.DroppedQueueFull, r));
        Assert.Equal(90, emulator.Statistics.PacketsDroppedQueueFull);

        var delivered = new List<(long Sequence, TimeSpan Time, int Length)>();
        DrainAll(emulator, TimeSpan.Zero, delivered);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), delivered.Select(d => d.Sequence));

        // 1000 bytes at 1 Mbit/s = 8 ms each, back to back.
        Assert.Equal(Enumerable.Range(1, 10).Select(i => Ms(8 * i)), delivered.Select(d => d.Time));
    }

    [Fact]
    public void Burst_ByteLimit_DropsTailAndAcceptsAgainAfterDrain()
    {
        var emulator = new LinkEmulator(
            new LinkEmulatorOptions { RateBitsPerSecond = 1_200_000, QueueLimitBytes = 15_000 }, new Random(1));
        var results = Enumerable.Range(0, 20).Select(i => emulator.Enqueue(TimeSpan.Zero, Packet(i, 1500))).ToList();
        Assert.Equal(10, results.Count(r => r == EnqueueResult.Accepted));
        Assert.Equal(EnqueueResult.DroppedQueueFull, results[10]);

        // 1500 bytes at 1.2 Mbit/s = 10 ms: after the first departs there is room for one more.
        Assert.Equal(EnqueueResult.Accepted, emulator.Enqueue(Ms(10), Packet(20, 1500)));
        Assert.Equal(EnqueueResult.DroppedQueueFull, emulator.Enqueue(Ms(10), Packet(21, 1500)));
    }

    [Fact]
    public void SaturatingSender_QueueingDelayBoundedByQueueSizeOverRate()
    {
        const long rate = 4_000_000;
        const long limit = 50_000;
        var emulator = new LinkEmulator(
            new LinkEmulatorOptions { RateBitsPerSecond = rate, QueueLimitBytes = limit, Delay = Ms(10) }, new Random(1));
        var (delivered, sent, _) = RunConstantSender(emulator, Ms(1), 1200, TimeSpan.FromSeconds(5));

        TimeSpan bound = TimeSpan.FromTicks(limit * 8 * TimeSpan.TicksPerSecond / rate);
        var queueing = delivered.Select(d => d.Time - sent[(int)d.Sequence] - Ms(10)).ToList();
        Assert.All(queueing, q => Assert.True(q <= bound, $"{q} > {bound}"));

        // A saturated drop-tail queue sits near full.
        Assert.True(queueing.Max() > bound * 0.9);
    }

    [Fact]
    public void IdleLink_SinglePacket_DelayIsSerializationPlusPropagation()
    {
        var emulator = new LinkEmulator(
            new LinkEmulatorOptions { RateBitsPerSecond = 8_000_000, Delay = Ms(20) }, new Random(1));
        emulator.Enqueue(Ms(100), Packet(0, 1000));

        // 1000 bytes at 8 Mbit/s = 1 ms.
        Assert.Equal(Ms(121), emulator.NextEventTime);
    }
}
