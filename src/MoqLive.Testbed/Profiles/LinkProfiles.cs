using MoqLive.Testbed.Traces;

namespace MoqLive.Testbed.Profiles;

/// <summary>The named link profiles of the testbed. Queue limits are about 100 ms of the bottleneck rate.</summary>
public static class LinkProfiles
{
    /// <summary>Where trace files live, relative to the repository root.</summary>
    public const string TraceDirectory = "testdata/traces";

    /// <summary>No impairment.</summary>
    public static LinkProfile Lan { get; } = new() { Name = "lan", Description = "no impairment" };

    /// <summary>40 ms RTT, 20 Mbit/s, 0.5 % random loss.</summary>
    public static LinkProfile FourG { get; } = new()
    {
        Name = "4g",
        Description = "40 ms RTT, 20 Mbit/s, 0.5% random loss",
        RoundTripTime = TimeSpan.FromMilliseconds(40),
        RateBitsPerSecond = 20_000_000,
        LossRate = 0.005,
        QueueLimitBytes = 250_000,
    };

    /// <summary>30 ms RTT ± 20 ms (±10 ms each way, no reordering), 8 Mbit/s, 2 % bursty loss (mean burst 3).</summary>
    public static LinkProfile WifiCongested { get; } = new()
    {
        Name = "wifi-congested",
        Description = "30 ms RTT ±20 ms jitter, 8 Mbit/s, 2% bursty loss",
        RoundTripTime = TimeSpan.FromMilliseconds(30),
        JitterPerDirection = TimeSpan.FromMilliseconds(10),
        RateBitsPerSecond = 8_000_000,
        LossRate = 0.02,
        MeanLossBurstLength = 3,
        QueueLimitBytes = 100_000,
    };

    /// <summary>150 ms RTT, 1.5 Mbit/s, 1 % random loss.</summary>
    public static LinkProfile ThreeG { get; } = new()
    {
        Name = "3g",
        Description = "150 ms RTT, 1.5 Mbit/s, 1% random loss",
        RoundTripTime = TimeSpan.FromMilliseconds(150),
        RateBitsPerSecond = 1_500_000,
        LossRate = 0.01,
        QueueLimitBytes = 18_750,
    };

    /// <summary>40 ms RTT, bandwidth stepping between 0.5 and 6 Mbit/s every 5 s (mahimahi trace).</summary>
    public static LinkProfile Varying { get; } = new()
    {
        Name = "varying",
        Description = "40 ms RTT, 0.5-6 Mbit/s steps every 5 s (trace)",
        RoundTripTime = TimeSpan.FromMilliseconds(40),
        TraceFile = VaryingTraceGenerator.FileName,
        QueueLimitBytes = 75_000,
    };

    /// <summary>All profiles, in a stable order.</summary>
    public static IReadOnlyList<LinkProfile> All { get; } = [Lan, FourG, WifiCongested, ThreeG, Varying];

    /// <summary>Finds a profile by name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static LinkProfile Get(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException(
            $"Unknown link profile '{name}'. Known profiles: {string.Join(", ", All.Select(p => p.Name))}.", nameof(name));
}
