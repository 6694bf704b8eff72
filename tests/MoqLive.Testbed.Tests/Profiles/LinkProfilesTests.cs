using MoqLive.Testbed.Emulation;
using MoqLive.Testbed.Profiles;
using static MoqLive.Testbed.Tests.Emulation.LinkEmulatorHarness;

namespace MoqLive.Testbed.Tests.Profiles;

public sealed class LinkProfilesTests
{
    public static TheoryData<string> Names => new(LinkProfiles.All.Select(p => p.Name));

    private static LinkEmulator Create(LinkProfile profile, int seed) =>
        new(profile.ToEmulatorOptions(RepositoryPaths.TraceDirectory), new Random(seed));

    [Theory]
    [InlineData("lan", 0, null, 0.0)]
    [InlineData("4g", 40, 20_000_000L, 0.005)]
    [InlineData("wifi-congested", 30, 8_000_000L, 0.02)]
    [InlineData("3g", 150, 1_500_000L, 0.01)]
    [InlineData("varying", 40, null, 0.0)]
    public void Profile_DocumentedValues(string name, int rttMs, long? rate, double loss)
    {
        var profile = LinkProfiles.Get(name);
        Assert.Equal(TimeSpan.FromMilliseconds(rttMs), profile.RoundTripTime);
        Assert.Equal(rate, profile.RateBitsPerSecond);
        Assert.Equal(loss, profile.LossRate);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Profile_MeasuredRoundTripTime_MatchesProfile(string name)
    {
        var profile = LinkProfiles.Get(name);
        var forward = Create(profile, 1);
        var back = Create(profile, 2);
        var rtts = new List<TimeSpan>();
        TimeSpan now = TimeSpan.Zero;
        for (int i = 0; rtts.Count < 2000; i++, now += Ms(100))
        {
            // A 100-byte probe on an idle link; a lost probe is simply not counted.
            if (forward.Enqueue(now, Packet(i, 100)) != EnqueueResult.Accepted)
            {
                continue;
            }

            TimeSpan arrived = forward.NextEventTime!.Value;
            Assert.True(forward.TryDequeue(arrived, out var packet));
            if (back.Enqueue(arrived, packet) != EnqueueResult.Accepted)
            {
                continue;
            }

            TimeSpan returned = back.NextEventTime!.Value;
            Assert.True(back.TryDequeue(returned, out _));
            rtts.Add(returned - now);
        }

        // Serialization of the probe at the slowest rate in use (0.5 Mbit/s trace step or a trace opportunity gap).
        TimeSpan slack = profile.TraceFile is null ? Ms(2) : Ms(2 * 25);
        TimeSpan rtt = profile.RoundTripTime;
        TimeSpan jitter = profile.JitterPerDirection * 2;
        Assert.All(rtts, r => Assert.InRange(r, rtt - jitter, rtt + jitter + slack));
        double meanMs = rtts.Average(r => r.TotalMilliseconds);
        Assert.InRange(meanMs, rtt.TotalMilliseconds - 1, rtt.TotalMilliseconds + 1 + slack.TotalMilliseconds);
    }

    [Theory]
    [InlineData("4g")]
    [InlineData("wifi-congested")]
    [InlineData("3g")]
    public void Profile_SaturatingSender_ThroughputEqualsRate(string name)
    {
        var profile = LinkProfiles.Get(name);
        long rate = profile.RateBitsPerSecond!.Value;
        var emulator = Create(profile, 3);
        var interval = TimeSpan.FromTicks(1200 * 8L * TimeSpan.TicksPerSecond / rate / 2);
        var (delivered, _, _) = RunConstantSender(emulator, interval, 1200, TimeSpan.FromSeconds(6));
        double measured = BytesIn(delivered, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)) * 8 / 4.0;
        Assert.InRange(measured, rate * 0.98, rate * 1.02);
    }

    [Fact]
    public void Varying_SaturatingSender_AverageThroughputEqualsTraceAverage()
    {
        var options = LinkProfiles.Varying.ToEmulatorOptions(RepositoryPaths.TraceDirectory);
        var emulator = new LinkEmulator(options, new Random(4));
        var (delivered, _, _) = RunConstantSender(emulator, Ms(1), 1200, options.Trace!.Period);
        double measured = BytesIn(delivered, TimeSpan.Zero, options.Trace.Period) * 8 / options.Trace.Period.TotalSeconds;
        Assert.InRange(measured, options.Trace.AverageBitsPerSecond * 0.99, options.Trace.AverageBitsPerSecond * 1.01);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Profile_MeasuredLoss_MatchesProfile(string name)
    {
        var profile = LinkProfiles.Get(name);
        var emulator = Create(profile, 5);
        const int count = 100_000;

        // 100-byte packets every 2 ms (0.4 Mbit/s) stay below every rate, so only the loss stage drops.
        var (_, _, results) = RunConstantSender(emulator, Ms(2), 100, Ms(2 * count));
        Assert.Equal(count, results.Count);
        Assert.DoesNotContain(EnqueueResult.DroppedQueueFull, results);
        double measured = results.Count(r => r == EnqueueResult.DroppedLoss) / (double)count;
        double tolerance = Math.Max(profile.LossRate * 0.15, 1e-9);
        Assert.InRange(measured, profile.LossRate - tolerance, profile.LossRate + tolerance);
    }

    [Fact]
    public void WifiCongested_LossIsBursty()
    {
        var options = LinkProfiles.WifiCongested.ToEmulatorOptions();
        Assert.NotNull(options.GilbertElliott);
        Assert.Equal(0.02, options.GilbertElliott.AverageLossRate, 9);
        Assert.Equal(1.0 / 3, options.GilbertElliott.BadToGood, 9);
    }

    [Fact]
    public void Get_IsCaseInsensitive()
    {
        Assert.Same(LinkProfiles.FourG, LinkProfiles.Get("4G"));
    }

    [Fact]
    public void Get_Unknown_ListsKnownProfiles()
    {
        var ex = Assert.Throws<ArgumentException>(() => LinkProfiles.Get("5g"));
        Assert.Contains("lan, 4g, wifi-congested, 3g, varying", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Varying_WithoutTraceDirectory_ThrowsHelpfully()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => LinkProfiles.Varying.ToEmulatorOptions());
        Assert.Contains("varying-0.5-6mbps.trace", ex.Message, StringComparison.Ordinal);
    }
}
