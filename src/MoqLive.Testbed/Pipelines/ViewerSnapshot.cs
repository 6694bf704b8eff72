namespace MoqLive.Testbed.Pipelines;

/// <summary>What a player page measured (window.testbedMeasure.snapshot(), see Player/measure.js). Times are Unix ms.</summary>
public sealed record ViewerSnapshot
{
    public long PageStart { get; init; }

    public long? FirstFrameAt { get; init; }

    /// <summary>[presented at, glass-to-glass latency ms] per presented frame whose stamp was readable.</summary>
    public IReadOnlyList<long[]> Frames { get; init; } = [];

    /// <summary>[seen at, latency ms] of each frame as the MoqLive player itself measured it from the LOC capture TIMESTAMP.</summary>
    public IReadOnlyList<long[]> LocFrames { get; init; } = [];

    public long Unreadable { get; init; }

    /// <summary>Source frames never presented (gaps in the stamps).</summary>
    public long MissingFrames { get; init; }

    /// <summary>[start, duration ms] of each stall after the first frame.</summary>
    public IReadOnlyList<long[]> Stalls { get; init; } = [];

    /// <summary>[received at, bytes] of each media download.</summary>
    public IReadOnlyList<long[]> Bytes { get; init; } = [];

    public IReadOnlyList<string> Errors { get; init; } = [];

    public long DroppedVideoFrames { get; init; }

    public long TotalVideoFrames { get; init; }

    public long Now { get; init; }
}
