using MoqLive.Testbed.Profiles;
using MoqLive.Testbed.Runs;
using MoqLive.Testing;

namespace MoqLive.E2E.Tests.Testbed;

/// <summary>
/// <c>testbed run</c> for real, both systems on the same stamped source and the same encode: ffmpeg → RTMP →
/// nginx-rtmp → HLS → hls.js, and ffmpeg → fMP4 → <c>moqlive publish</c> → <c>moqlive serve</c> → the audience app,
/// each in Chromium in a viewer namespace behind the emulated link, latency read back from the rendered frames.
/// </summary>
[Collection(nameof(TestbedCollection))]
public sealed class TestbedRunTests
{
    [Theory]
    [InlineData("lan")]
    [InlineData("4g")]
    public async Task Run_MoqLiveAndHls_BothDeliverVideoAndMoqLiveMedianLatencyIsLower(string name)
    {
        TestbedRequirements.Require("ip", "ffmpeg", "nginx", "chromium");
        var log = new StringWriter();
        var results = await TestbedRun.RunAsync(new RunOptions
        {
            Profile = LinkProfiles.Get(name),
            Duration = TimeSpan.FromSeconds(30),
            Systems = [RunOptions.MoqLive, RunOptions.Hls],
            TraceDirectory = TestbedRequirements.TraceDirectory,
            HlsJsDirectory = Path.Combine(Path.GetDirectoryName(TestbedRequirements.TraceDirectory)!, "..", "web", "node_modules", "hls.js", "dist"),
        }, TimeProvider.System, log).WithTimeout(TimeSpan.FromMinutes(8));

        var hls = Assert.Single(results, r => r.System == RunOptions.Hls);
        var moqlive = Assert.Single(results, r => r.System == RunOptions.MoqLive);
        string summary = string.Join('\n', results.Select(r =>
            $"{r.System}: p50 {r.P50} ms, p95 {r.P95} ms, {r.FramesPresented} frames, first frame {r.TimeToFirstFrameMs} ms, {r.ReceivedKbps:0} kbit/s, errors [{string.Join("; ", r.Errors)}]")) + "\n" + log;
        foreach (var r in results)
        {
            // Frames whose burnt-in stamp was read back from the rendered picture: video went end to end.
            Assert.True(r.FramesPresented > 100, $"{r.System} presented {r.FramesPresented} stamped frames.\n{summary}");
            Assert.NotNull(r.TimeToFirstFrameMs);
            Assert.Empty(r.Errors);
            Assert.True(r.ReceivedKbps > 100, $"{r.System} received {r.ReceivedKbps} kbit/s.\n{summary}");
            Assert.Equal(SystemResult.StampLatency, r.LatencySource);
        }

        // HLS with 1 s fragments, hls.js starting three fragments behind the live edge: seconds, and never more than the run.
        Assert.InRange(hls.P50!.Value, 1000, 30_000);
        Assert.True(moqlive.P50 < hls.P50, $"MoqLive's median latency is not below HLS's.\n{summary}");
        // The audience app reported its own latency from the LOC TIMESTAMPs alongside.
        Assert.NotNull(moqlive.LocLatencyP50Ms);
    }
}
