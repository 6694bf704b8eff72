namespace MoqLive.Testbed.Emulation;

/// <summary>What <see cref="LinkEmulator.Enqueue"/> did with a packet.</summary>
public enum EnqueueResult
{
    /// <summary>The packet will be delivered; the emulator holds its buffer until then.</summary>
    Accepted,

    /// <summary>Dropped by the loss stage (Bernoulli or Gilbert–Elliott).</summary>
    DroppedLoss,

    /// <summary>Dropped because the bottleneck queue (rate limit or trace) was full (drop-tail).</summary>
    DroppedQueueFull,

    /// <summary>Dropped because <see cref="LinkEmulatorOptions.MaxPacketsInFlight"/> packets were already held.</summary>
    DroppedInFlightLimit,
}
