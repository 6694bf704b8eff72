using MoqLive.Testbed.Emulation;
using MoqLive.Testbed.Traces;

namespace MoqLive.Testbed.Profiles;

/// <summary>
/// A named network condition, as data. Impairments are per direction and the same both ways: each direction
/// gets half the <see cref="RoundTripTime"/>, the <see cref="JitterPerDirection"/>, the rate and the loss
/// (so round-trip jitter spans twice <see cref="JitterPerDirection"/>).
/// </summary>
public sealed record LinkProfile
{
    /// <summary>Profile name as used on the command line (e.g. <c>4g</c>).</summary>
    public required string Name { get; init; }

    /// <summary>One-line human description.</summary>
    public required string Description { get; init; }

    /// <summary>Base round-trip propagation delay (without queueing or jitter).</summary>
    public TimeSpan RoundTripTime { get; init; }

    /// <summary>Uniform jitter bound applied in each direction.</summary>
    public TimeSpan JitterPerDirection { get; init; }

    /// <summary>Constant bottleneck rate per direction; null for unlimited (or trace-driven).</summary>
    public long? RateBitsPerSecond { get; init; }

    /// <summary>Average loss rate per direction.</summary>
    public double LossRate { get; init; }

    /// <summary>Mean loss-burst length in packets; null for independent (Bernoulli) loss.</summary>
    public double? MeanLossBurstLength { get; init; }

    /// <summary>Trace file name under the trace directory (testdata/traces); null for none.</summary>
    public string? TraceFile { get; init; }

    /// <summary>Drop-tail queue limit in bytes of the bottleneck.</summary>
    public long QueueLimitBytes { get; init; } = LinkEmulatorDefaults.QueueLimitBytes;

    /// <summary>
    /// Emulator options for one direction. <paramref name="traceDirectory"/> is where <see cref="TraceFile"/> is
    /// read from (required only if the profile has a trace).
    /// </summary>
    public LinkEmulatorOptions ToEmulatorOptions(string? traceDirectory = null)
    {
        MahimahiTrace? trace = null;
        if (TraceFile is not null)
        {
            if (traceDirectory is null)
            {
                throw new ArgumentNullException(
                    nameof(traceDirectory), $"Profile '{Name}' replays trace '{TraceFile}'; pass the trace directory (testdata/traces).");
            }

            trace = MahimahiTrace.Load(Path.Combine(traceDirectory, TraceFile));
        }

        return new LinkEmulatorOptions
        {
            Delay = RoundTripTime / 2,
            Jitter = JitterPerDirection,
            RateBitsPerSecond = RateBitsPerSecond,
            Trace = trace,
            LossRate = MeanLossBurstLength is null ? LossRate : 0,
            GilbertElliott = MeanLossBurstLength is { } burst && LossRate > 0
                ? GilbertElliottOptions.FromAverageLoss(LossRate, burst)
                : null,
            QueueLimitBytes = QueueLimitBytes,
        };
    }
}
