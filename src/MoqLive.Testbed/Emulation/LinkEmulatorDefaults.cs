namespace MoqLive.Testbed.Emulation;

/// <summary>Default values of <see cref="LinkEmulatorOptions"/> and related constants.</summary>
public static class LinkEmulatorDefaults
{
    /// <summary>Bytes one mahimahi delivery opportunity carries (one MTU).</summary>
    public const int TraceOpportunityBytes = 1500;

    /// <summary>Default drop-tail queue limit of the bottleneck, in bytes: 256 KiB.</summary>
    public const long QueueLimitBytes = 256 * 1024;

    /// <summary>Default limit on packets held by the emulator at once (queued plus in flight): 100 000.</summary>
    public const int MaxPacketsInFlight = 100_000;
}
