using MoqLive.Testbed.Profiles;
using MoqLive.Testbed.Runs;
using MoqLive.Testing;

namespace MoqLive.E2E.Tests.Testbed;

/// <summary>
/// <c>testbed run</c> for real: the stamped source through ffmpeg → RTMP → nginx-rtmp → HLS → hls.js in Chromium in a
/// viewer namespace behind the emulated link, latency read back from the rendered frames.
/// </summary>
[Collection(nameof(TestbedCollection))]
public sealed class TestbedRunTests
{
    [Theory]
    [InlineData("lan")]
    [InlineData("4g")]
    public async Task Run_Hls_DeliversVideoWithPlausibleLatency(string name)
    {
        TestbedRequirements.Require("ip", "ffmpeg", "nginx", "chromium");
        var log = new StringWriter();
        var results = await TestbedRun.RunAsync(new RunOptions
        {
            Profile = LinkProfiles.Get(name),
            Duration = TimeSpan.FromSeconds(30),
            Systems = [RunOptions.Hls],
            TraceDirectory = TestbedRequirements.TraceDirectory,
            HlsJsDirectory = Path.Combine(Path.GetDirectoryName(TestbedRequirements.TraceDirectory)!, "..", "web", "node_modules", "hls.js", "dist"),
        }, TimeProvider.System, log).WithTimeout(TimeSpan.FromMinutes(5));

        var hls = Assert.Single(results);
        Assert.True(hls.FramesPresented > 100, $"HLS presented {hls.FramesPresented} stamped frames.\n{log}");
        Assert.NotNull(hls.TimeToFirstFrameMs);
        Assert.Empty(hls.Errors);
        // HLS with 1 s fragments, hls.js starting three fragments behind the live edge: seconds, not milliseconds,
        // and never more than the run itself.
        Assert.InRange(hls.P50!.Value, 1000, 30_000);
        Assert.True(hls.ReceivedKbps > 100, $"received {hls.ReceivedKbps} kbit/s");
    }
}
