namespace MoqLive.Testbed.Runs;

/// <summary>One second of a run, over all viewers of one system.</summary>
public sealed record SecondSample(int Second, double? LatencyMedianMs, int Frames, double ReceivedKbps);

/// <summary>What one system delivered on one profile, over all its viewers.</summary>
public sealed record SystemResult
{
    public required string System { get; init; }

    public required string Profile { get; init; }

    public int Viewers { get; init; }

    public double DurationSeconds { get; init; }

    /// <summary>Glass-to-glass latency of every presented frame (all viewers), sorted.</summary>
    public IReadOnlyList<double> LatencyMs { get; init; } = [];

    public IReadOnlyList<SecondSample> PerSecond { get; init; } = [];

    /// <summary>Median over viewers of the time from opening the page to the first frame; null if none played.</summary>
    public double? TimeToFirstFrameMs { get; init; }

    public int Stalls { get; init; }

    public double StallSeconds { get; init; }

    /// <summary>Stalled time over the time since the first frame, summed over viewers.</summary>
    public double StallRatio { get; init; }

    /// <summary>
    /// Source frames never presented: gaps in the burnt-in stamps, which covers frames the player dropped as well as
    /// frames lost before it (so the player's own dropped-frame counter is not added again).
    /// </summary>
    public long DroppedFrames { get; init; }

    public double ReceivedKbps { get; init; }

    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>Where <see cref="LatencyMs"/> comes from: <see cref="StampLatency"/> or <see cref="LocLatency"/>.</summary>
    public string LatencySource { get; init; } = StampLatency;

    /// <summary>
    /// Median latency the MoqLive player itself reported (now + clock offset − the frame's LOC capture TIMESTAMP);
    /// null for other players. Next to a stamp-measured p50 it splits the delay: the LOC TIMESTAMP is set when
    /// <c>moqlive publish</c> sends the frame, so the difference is the time before that (encoder, pipe, pacing).
    /// </summary>
    public double? LocLatencyP50Ms { get; init; }

    public const string StampLatency = "stamp";
    public const string LocLatency = "loc";

    public long FramesPresented => LatencyMs.Count;

    public double? P50 => Percentile(0.50);

    public double? P95 => Percentile(0.95);

    /// <summary>Nearest-rank percentile of <see cref="LatencyMs"/>.</summary>
    public double? Percentile(double q) =>
        LatencyMs.Count == 0 ? null : LatencyMs[Math.Clamp((int)Math.Ceiling(q * LatencyMs.Count) - 1, 0, LatencyMs.Count - 1)];
}
