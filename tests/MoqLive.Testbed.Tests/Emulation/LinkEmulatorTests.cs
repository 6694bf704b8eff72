using MoqLive.Testbed.Emulation;
using static MoqLive.Testbed.Tests.Emulation.LinkEmulatorHarness;

namespace MoqLive.Testbed.Tests.Emulation;

public sealed class LinkEmulatorTests
{
    [Fact]
    public void Enqueue_InFlightLimit_DropsAndCounts()
    {
        var emulator = new LinkEmulator(
            new LinkEmulatorOptions { Delay = Ms(100), MaxPacketsInFlight = 3 }, new Random(1));
        var results = Enumerable.Range(0, 5).Select(i => emulator.Enqueue(Ms(i), Packet(i))).ToList();
        Assert.Equal(
            [EnqueueResult.Accepted, EnqueueResult.Accepted, EnqueueResult.Accepted,
                EnqueueResult.DroppedInFlightLimit, EnqueueResult.DroppedInFlightLimit],
            results);
        Assert.Equal(3, emulator.PacketsInFlight);

        // Once one is delivered there is room again.
        Assert.True(emulator.TryDequeue(Ms(100), out _));
        Assert.Equal(EnqueueResult.Accepted, emulator.Enqueue(Ms(100), Packet(5)));
    }

    [Fact]
    public void Statistics_CountEveryOutcome()
    {
        var emulator = new LinkEmulator(
            new LinkEmulatorOptions { LossRate = 0.5, RateBitsPerSecond = 1_000_000, QueueLimitPackets = 2, QueueLimitBytes = null },
            new Random(3));
        var results = Enumerable.Range(0, 50).Select(i => emulator.Enqueue(TimeSpan.Zero, Packet(i, 1000))).ToList();
        var delivered = new List<(long Sequence, TimeSpan Time, int Length)>();
        DrainAll(emulator, TimeSpan.Zero, delivered);

        var stats = emulator.Statistics;
        Assert.Equal(50, stats.PacketsEnqueued);
        Assert.Equal(results.Count(r => r == EnqueueResult.DroppedLoss), stats.PacketsDroppedLoss);
        Assert.Equal(results.Count(r => r == EnqueueResult.DroppedQueueFull), stats.PacketsDroppedQueueFull);
        Assert.Equal(2, stats.PacketsDelivered);
        Assert.Equal(2000, stats.BytesDelivered);
        Assert.Equal(50, stats.PacketsDroppedLoss + stats.PacketsDroppedQueueFull + stats.PacketsDelivered);
    }

    [Fact]
    public void Enqueue_LengthBeyondBuffer_Throws()
    {
        var emulator = new LinkEmulator(new LinkEmulatorOptions(), new Random(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => emulator.Enqueue(TimeSpan.Zero, new LinkPacket(new byte[10], 11)));
    }

    [Fact]
    public void Dequeue_ReturnsSameBufferWithoutCopy()
    {
        var emulator = new LinkEmulator(new LinkEmulatorOptions { Delay = Ms(1) }, new Random(1));
        var buffer = new byte[2048];
        emulator.Enqueue(TimeSpan.Zero, new LinkPacket(buffer, 700));
        Assert.True(emulator.TryDequeue(Ms(1), out var packet, out var time));
        Assert.Same(buffer, packet.Buffer);
        Assert.Equal(700, packet.Length);
        Assert.Equal(Ms(1), time);
        Assert.False(emulator.TryDequeue(Ms(2), out _, out var none));
        Assert.Equal(TimeSpan.Zero, none);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    public void Options_BadLossRate_Rejected(double rate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinkEmulator(new LinkEmulatorOptions { LossRate = rate }, new Random(1)));
    }

    [Fact]
    public void Options_ZeroRate_Rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => new LinkEmulator(new LinkEmulatorOptions { RateBitsPerSecond = 0 }, new Random(1)));
    }

    [Fact]
    public void GilbertElliott_FromAverageLoss_RejectsImpossibleParameters()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GilbertElliottOptions.FromAverageLoss(0.02, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => GilbertElliottOptions.FromAverageLoss(1.0, 3));
    }
}
