using MoqLive.Testbed.Traces;

namespace MoqLive.Testbed.Emulation;

/// <summary>
/// Impairments of one direction of an emulated link. Stages apply in this order: loss, rate limit (with a
/// drop-tail queue), trace-driven bandwidth (with its own drop-tail queue of the same limits), then delay plus
/// jitter. A stage left at its default is transparent, so the default options are a perfect link.
/// </summary>
public sealed record LinkEmulatorOptions
{
    /// <summary>Independent (Bernoulli) loss probability per packet, in [0, 1). Default 0. Exclusive with <see cref="GilbertElliott"/>.</summary>
    public double LossRate { get; init; }

    /// <summary>Bursty loss model; default null (none). Exclusive with a non-zero <see cref="LossRate"/>.</summary>
    public GilbertElliottOptions? GilbertElliott { get; init; }

    /// <summary>Constant bottleneck rate in bits per second; default null (unlimited).</summary>
    public long? RateBitsPerSecond { get; init; }

    /// <summary>Time-varying bottleneck from a mahimahi trace; default null (none).</summary>
    public MahimahiTrace? Trace { get; init; }

    /// <summary>
    /// Drop-tail limit of each bottleneck queue in bytes, counting the packet being serialized. Default
    /// <see cref="LinkEmulatorDefaults.QueueLimitBytes"/>; null for no byte limit.
    /// </summary>
    public long? QueueLimitBytes { get; init; } = LinkEmulatorDefaults.QueueLimitBytes;

    /// <summary>Drop-tail limit of each bottleneck queue in packets. Default null (no packet limit).</summary>
    public int? QueueLimitPackets { get; init; }

    /// <summary>Fixed one-way propagation delay. Default zero.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>
    /// Jitter: each packet's delay is <see cref="Delay"/> plus a uniform draw in [−Jitter, +Jitter] (floored at
    /// zero total delay). Default zero.
    /// </summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>
    /// When false (default), delivery times are kept monotonic: a packet whose jittered time falls before the
    /// previous packet's is delivered with it, so jitter never reorders. When true, packets may overtake.
    /// </summary>
    public bool AllowReordering { get; init; }

    /// <summary>Most packets the emulator holds at once; beyond it packets are dropped. Default <see cref="LinkEmulatorDefaults.MaxPacketsInFlight"/>.</summary>
    public int MaxPacketsInFlight { get; init; } = LinkEmulatorDefaults.MaxPacketsInFlight;

    /// <summary>Checks the options; called by the <see cref="LinkEmulator"/> constructor.</summary>
    public void Validate()
    {
        if (!(LossRate >= 0 && LossRate < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(LossRate), LossRate, "Loss rate must be in [0, 1).");
        }

        if (GilbertElliott is not null && LossRate != 0)
        {
            throw new ArgumentException("Set either LossRate (Bernoulli) or GilbertElliott, not both.", nameof(GilbertElliott));
        }

        GilbertElliott?.Validate();
        if (RateBitsPerSecond is { } rate)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate, nameof(RateBitsPerSecond));
        }

        if (QueueLimitBytes is { } bytes)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes, nameof(QueueLimitBytes));
        }

        if (QueueLimitPackets is { } packets)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(packets, nameof(QueueLimitPackets));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Delay, TimeSpan.Zero, nameof(Delay));
        ArgumentOutOfRangeException.ThrowIfLessThan(Jitter, TimeSpan.Zero, nameof(Jitter));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxPacketsInFlight, nameof(MaxPacketsInFlight));
    }
}
