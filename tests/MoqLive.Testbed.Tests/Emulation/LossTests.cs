using MoqLive.Testbed.Emulation;
using static MoqLive.Testbed.Tests.Emulation.LinkEmulatorHarness;

namespace MoqLive.Testbed.Tests.Emulation;

public sealed class LossTests
{
    private static List<bool> Fates(LinkEmulatorOptions options, int count, int seed)
    {
        var emulator = new LinkEmulator(options, new Random(seed));
        var packet = Packet(0);
        var fates = new List<bool>(count);
        for (int i = 0; i < count; i++)
        {
            var result = emulator.Enqueue(Ms(i), packet);
            fates.Add(result == EnqueueResult.DroppedLoss);
            emulator.TryDequeue(Ms(i), out _);
        }

        return fates;
    }

    private static double MeanBurst(List<bool> lost)
    {
        int bursts = 0, losses = 0;
        for (int i = 0; i < lost.Count; i++)
        {
            if (lost[i])
            {
                losses++;
                if (i == 0 || !lost[i - 1])
                {
                    bursts++;
                }
            }
        }

        return (double)losses / bursts;
    }

    [Theory]
    [InlineData(0.005)]
    [InlineData(0.01)]
    [InlineData(0.1)]
    public void Bernoulli_100kPackets_LossRateWithinTolerance(double rate)
    {
        var fates = Fates(new LinkEmulatorOptions { LossRate = rate }, 100_000, seed: 12345);
        double measured = fates.Count(f => f) / 100_000.0;

        // 4 standard deviations of a binomial proportion.
        double tolerance = 4 * Math.Sqrt(rate * (1 - rate) / 100_000);
        Assert.InRange(measured, rate - tolerance, rate + tolerance);
    }

    [Fact]
    public void Bernoulli_ZeroRate_NeverDrops()
    {
        Assert.DoesNotContain(true, Fates(new LinkEmulatorOptions(), 10_000, seed: 1));
    }

    [Theory]
    [InlineData(0.02, 3.0)]
    [InlineData(0.05, 5.0)]
    [InlineData(0.01, 1.5)]
    public void GilbertElliott_FromAverageLoss_MeasuredLossAndBurstMatch(double loss, double burst)
    {
        var ge = GilbertElliottOptions.FromAverageLoss(loss, burst);
        Assert.Equal(loss, ge.AverageLossRate, 9);
        var fates = Fates(new LinkEmulatorOptions { GilbertElliott = ge }, 400_000, seed: 99);
        double measuredLoss = fates.Count(f => f) / (double)fates.Count;
        Assert.InRange(measuredLoss, loss * 0.85, loss * 1.15);
        Assert.InRange(MeanBurst(fates), burst * 0.9, burst * 1.1);
    }

    [Fact]
    public void GilbertElliott_GeneralParameters_AverageLossMatchesStationaryFormula()
    {
        var ge = new GilbertElliottOptions { GoodToBad = 0.01, BadToGood = 0.2, LossInGood = 0.001, LossInBad = 0.5 };
        var fates = Fates(new LinkEmulatorOptions { GilbertElliott = ge }, 400_000, seed: 5);
        double measured = fates.Count(f => f) / (double)fates.Count;
        Assert.InRange(measured, ge.AverageLossRate * 0.85, ge.AverageLossRate * 1.15);
    }

    [Fact]
    public void Options_BothLossModels_Rejected()
    {
        var options = new LinkEmulatorOptions { LossRate = 0.1, GilbertElliott = new GilbertElliottOptions() };
        Assert.Throws<ArgumentException>(() => new LinkEmulator(options, new Random(1)));
    }
}
