using MoqLive.Testbed.Pipelines;

namespace MoqLive.Testbed.Runs;

/// <summary>Turns the player pages' raw measurements into a <see cref="SystemResult"/>.</summary>
public static class RunMetrics
{
    /// <summary>
    /// Summarizes <paramref name="snapshots"/> (one per viewer) of a run that started at Unix ms <paramref name="start"/>.
    /// Per-second values use the frames presented in that second of the run, over all viewers.
    /// </summary>
    public static SystemResult Summarize(
        string system, string profile, long start, TimeSpan duration, IReadOnlyList<ViewerSnapshot> snapshots, string latencySource = SystemResult.StampLatency)
    {
        int seconds = Math.Max(1, (int)Math.Ceiling(duration.TotalSeconds));
        var latencyBySecond = new List<double>[seconds];
        var bytesBySecond = new long[seconds];
        for (int i = 0; i < seconds; i++)
        {
            latencyBySecond[i] = [];
        }

        var all = new List<double>();
        foreach (var snapshot in snapshots)
        {
            foreach (var frame in snapshot.Frames)
            {
                all.Add(frame[1]);
                if (SecondOf(frame[0]) is { } s)
                {
                    latencyBySecond[s].Add(frame[1]);
                }
            }

            foreach (var download in snapshot.Bytes)
            {
                if (SecondOf(download[0]) is { } s)
                {
                    bytesBySecond[s] += download[1];
                }
            }
        }

        all.Sort();
        var firstFrames = snapshots.Where(s => s.FirstFrameAt is not null).Select(s => (double)(s.FirstFrameAt!.Value - s.PageStart)).Order().ToList();
        double stalledMs = snapshots.Sum(s => s.Stalls.Sum(st => st[1]));
        double playingMs = snapshots.Where(s => s.FirstFrameAt is not null).Sum(s => (double)(s.Now - s.FirstFrameAt!.Value));
        int viewers = Math.Max(1, snapshots.Count);
        return new SystemResult
        {
            System = system,
            Profile = profile,
            Viewers = snapshots.Count,
            DurationSeconds = duration.TotalSeconds,
            LatencyMs = all,
            PerSecond = Enumerable.Range(0, seconds).Select(s => new SecondSample(
                s, Median(latencyBySecond[s]), latencyBySecond[s].Count, bytesBySecond[s] * 8 / 1000.0 / viewers)).ToList(),
            TimeToFirstFrameMs = firstFrames.Count == 0 ? null : firstFrames[firstFrames.Count / 2],
            Stalls = snapshots.Sum(s => s.Stalls.Count),
            StallSeconds = stalledMs / 1000,
            StallRatio = playingMs <= 0 ? 0 : stalledMs / playingMs,
            DroppedFrames = snapshots.Sum(s => s.MissingFrames),
            ReceivedKbps = bytesBySecond.Sum() * 8 / 1000.0 / viewers / duration.TotalSeconds,
            Errors = snapshots.SelectMany(s => s.Errors).Distinct().ToList(),
            LatencySource = latencySource,
            LocLatencyP50Ms = Median(snapshots.SelectMany(s => s.LocFrames).Select(f => (double)f[1]).ToList()),
        };

        int? SecondOf(long at)
        {
            long s = (at - start) / 1000;
            return at >= start && s < seconds ? (int)s : null;
        }
    }

    private static double? Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        return values[values.Count / 2];
    }
}
