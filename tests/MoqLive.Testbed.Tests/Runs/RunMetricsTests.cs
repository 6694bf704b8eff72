using MoqLive.Testbed.Pipelines;
using MoqLive.Testbed.Runs;

namespace MoqLive.Testbed.Tests.Runs;

public sealed class RunMetricsTests
{
    private const long Start = 1_000_000;

    [Fact]
    public void Summarize_TwoViewers_AggregatesLatencyStallsBytesAndStartup()
    {
        var a = new ViewerSnapshot
        {
            PageStart = Start - 500,
            FirstFrameAt = Start + 500, // 1000 ms to first frame
            Frames = [[Start + 100, 100], [Start + 1100, 300], [Start + 1200, 500]],
            Stalls = [[Start + 1300, 400]],
            Bytes = [[Start + 100, 125_000]],
            MissingFrames = 2,
            DroppedVideoFrames = 1,
            Now = Start + 2500,
        };
        var b = new ViewerSnapshot
        {
            PageStart = Start - 500,
            FirstFrameAt = Start + 1500, // 2000 ms
            Frames = [[Start + 1500, 200], [Start + 5000, 999]], // the second is after the run's 2 s
            Bytes = [[Start + 1900, 250_000]],
            Now = Start + 2500,
        };

        var result = RunMetrics.Summarize("hls", "4g", Start, TimeSpan.FromSeconds(2), [a, b]);

        Assert.Equal(2, result.Viewers);
        Assert.Equal([100.0, 200, 300, 500, 999], result.LatencyMs);
        Assert.Equal(300, result.P50);
        Assert.Equal(999, result.P95);
        Assert.Equal(2000, result.TimeToFirstFrameMs); // median of [1000, 2000] by upper middle
        Assert.Equal(1, result.Stalls);
        Assert.Equal(0.4, result.StallSeconds, 3);
        Assert.Equal(400.0 / (2000 + 1000), result.StallRatio, 6);
        Assert.Equal(2, result.DroppedFrames); // the stamp gaps already include the player's dropped frame
        Assert.Equal(2, result.PerSecond.Count);
        Assert.Equal(new SecondSample(0, 100, 1, 500), result.PerSecond[0]); // 125 kB = 1000 kbit over 2 viewers
        Assert.Equal(new SecondSample(1, 300, 3, 1000), result.PerSecond[1]);
        Assert.Equal(375_000 * 8 / 1000.0 / 2 / 2, result.ReceivedKbps, 6);
    }

    [Fact]
    public void Summarize_NothingPlayed_HasNoLatencyAndNoStartup()
    {
        var result = RunMetrics.Summarize("hls", "3g", Start, TimeSpan.FromSeconds(3), [new ViewerSnapshot { PageStart = Start, Now = Start + 3000 }]);
        Assert.Null(result.P50);
        Assert.Null(result.TimeToFirstFrameMs);
        Assert.Equal(0, result.FramesPresented);
        Assert.All(result.PerSecond, s => Assert.Null(s.LatencyMedianMs));
        Assert.Null(result.LocLatencyP50Ms);
        Assert.Equal(SystemResult.StampLatency, result.LatencySource);
    }

    [Fact]
    public void Summarize_MoqLivePlayer_KeepsItsOwnLocLatencyBesideTheStampLatency()
    {
        var a = new ViewerSnapshot
        {
            PageStart = Start,
            FirstFrameAt = Start + 100,
            Frames = [[Start + 100, 400], [Start + 200, 420]],
            LocFrames = [[Start + 100, 90], [Start + 200, 110], [Start + 300, 130]],
            Now = Start + 1000,
        };

        var result = RunMetrics.Summarize("moqlive-web", "lan", Start, TimeSpan.FromSeconds(1), [a], SystemResult.LocLatency);

        Assert.Equal(110, result.LocLatencyP50Ms);
        Assert.Equal(SystemResult.LocLatency, result.LatencySource);
        Assert.Equal([400.0, 420], result.LatencyMs);
    }
}
