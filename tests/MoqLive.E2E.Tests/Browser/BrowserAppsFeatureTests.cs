using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using MoqLive.E2E.Tests.Server;
using Xunit.Abstractions;

namespace MoqLive.E2E.Tests.Browser;

/// <summary>
/// What a person does with the apps beyond watching (issue 5), in Chromium with a fake camera and microphone through
/// <c>moqlive serve</c>: the stats both pages show, a manual rendition switch up and back, a device change while live,
/// the errors a person sees (no camera permission, channel ended, server unreachable) with the automatic recovery
/// after each, and a browser that lets audio start only after a gesture.
/// </summary>
[Trait("Category", "Browser")]
[Collection(nameof(BrowserCollection))]
public sealed class BrowserAppsFeatureTests(ITestOutputHelper output)
{
    // 640x360 (video/hd) + 320x180 (video/sd): light enough for a loaded 2-core machine.
    private const int Resolution = 360;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    /// <summary>
    /// The longest a rendition switch may leave the picture without a new frame. A switch waits for the new rendition's
    /// next group while the old one plays on, so the gap is about one frame interval (33 ms); the bound leaves room for a
    /// machine shared by many builds, and fails when a switch stops the picture for a GOP or more.
    /// </summary>
    private static readonly TimeSpan SwitchGapLimit = TimeSpan.FromMilliseconds(900);

    [Fact]
    public async Task Apps_ShowStats_SwitchRenditionsBothWays_KeepBroadcastOnDeviceChange()
    {
        const string channel = "e2efeatures";
        (CliHost server, ServeEndpoints endpoints) = await ServeEndpoints.StartServeAsync(Timeout);
        await using (server)
        {
            var web = new Uri(endpoints.WebUrl);
            await using Chromium chromium = await Chromium.LaunchAsync(output, BrowserAppsTests.AppsChromium);
            IPage streamer = await chromium.OpenPageAsync("streamer", new Uri(web, $"/streamer/?channel={channel}&live=1&resolution={Resolution}"));
            await AppPage.WaitForAsync(streamer, "s => s.state === 'live'", Timeout, "the streamer going live");
            IPage viewer = await chromium.OpenPageAsync("viewer", new Uri(web, $"/watch/?channel={channel}"));
            await AppPage.WaitForAsync(viewer, "s => s.framesRendered > 0 && s.rendition !== undefined", Timeout, "the first frame");
            // Auto quality starts on the lowest rendition (nothing is known about the path yet); an up-switch needs 4 s
            // of evidence, so the first frames are the low rendition's. Then the viewer picks the high one by hand.
            Assert.Equal("video/sd", (await AppPage.StatsAsync(viewer)).GetProperty("rendition").GetString());
            await SwitchAsync(viewer, "video/hd", 640, 360);

            // Streamer: camera fps, bitrate per rendition (and audio), encode time per video rendition, dropped frames.
            await AppPage.WaitForAsync(streamer,
                "s => s.fps > 0 && s.bitrate['video/hd'] > 0 && s.bitrate['video/sd'] > 0 && s.bitrate.audio > 0 && " +
                "s.encodeMs['video/hd'] > 0 && s.encodeMs['video/sd'] > 0 && s.droppedFrames >= 0", Timeout, "the streamer's live stats");
            Dictionary<string, string> streamerRows = await OverlayAsync(streamer);
            output.WriteLine("streamer stats: " + string.Join(", ", streamerRows.Select(r => $"{r.Key}={r.Value}")));
            foreach (string row in new[] { "Camera fps", "Dropped frames", "video/hd bitrate", "video/sd bitrate", "audio bitrate", "video/hd encode", "video/sd encode", "Codec" })
                AssertShown(streamerRows, row);

            // Audience overlay: latency, buffer, fps, bitrate, late/dropped frames, current rendition.
            await AppPage.WaitForAsync(viewer,
                "s => typeof s.latencyMs === 'number' && s.fps > 0 && s.videoBitrate > 0 && s.audioBitrate > 0 && s.rendition === 'video/hd' && s.height === 360",
                Timeout, "the viewer's stats");
            Dictionary<string, string> viewerRows = await OverlayAsync(viewer);
            output.WriteLine("viewer stats: " + string.Join(", ", viewerRows.Select(r => $"{r.Key}={r.Value}")));
            foreach (string row in new[] { "Latency (glass to glass)", "Buffer", "Frame rate", "Video bitrate", "Audio bitrate", "Late / dropped frames", "Rendition" })
                AssertShown(viewerRows, row);
            Assert.Matches(@"^\d+ / \d+$", viewerRows["Late / dropped frames"]);
            Assert.StartsWith("video/hd (640x360)", viewerRows["Rendition"], StringComparison.Ordinal);

            // Audio in sync: decoded audio plays out from the AudioWorklet at most 100 ms after its playout time (PcmRing).
            await AppPage.WaitForAsync(viewer, "s => s.audioFramesPlayed > 0", Timeout, "audio playing");
            double audioQueued = (await AppPage.StatsAsync(viewer)).GetProperty("audioQueuedMs").GetDouble();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"audio waits {audioQueued:F1} ms in the worklet"));
            Assert.InRange(audioQueued, 0, 101);

            // Manual rendition switch down and back up: the picture goes on (no gap of a GOP), no decoder error.
            await SwitchAsync(viewer, "video/sd", 320, 180);
            await SwitchAsync(viewer, "video/hd", 640, 360);

            // Another camera while live (Chromium has one fake camera: picking it again restarts capture the same way):
            // the broadcast goes on on the same tracks, and the viewer keeps playing without a reload.
            int joins = (await AppPage.StatsAsync(viewer)).GetProperty("joins").GetInt32();
            int sentBefore = (await AppPage.StatsAsync(streamer)).GetProperty("framesSent").GetProperty("video/hd").GetInt32();
            await streamer.EvaluateAsync("() => document.getElementById('camera').dispatchEvent(new Event('change'))");
            await AppPage.WaitForAsync(streamer, "s => s.sourceChanges === 1", Timeout, "the encoder taking the new camera");
            int rendered = (await AppPage.StatsAsync(viewer)).GetProperty("framesRendered").GetInt32();
            await AppPage.WaitForAsync(streamer, $"s => s.state === 'live' && s.framesSent['video/hd'] > {sentBefore + 30}", Timeout, "frames from the new camera");
            await AppPage.WaitForAsync(viewer, $"s => s.framesRendered > {rendered + 30}", Timeout, "playback after the device change");
            JsonElement after = await AppPage.StatsAsync(viewer);
            Assert.Equal(joins, after.GetProperty("joins").GetInt32());
            Assert.Equal("video/hd", after.GetProperty("rendition").GetString());
            Assert.False(after.TryGetProperty("lastError", out JsonElement error), $"playback error after the device change: {error}");
        }
    }

    [Fact]
    public async Task Audience_WhereAudioNeedsAGesture_PlaysVideoWithoutSound_JoinStartsTheSound()
    {
        const string channel = "e2eautoplay";
        (CliHost server, ServeEndpoints endpoints) = await ServeEndpoints.StartServeAsync(Timeout);
        await using (server)
        {
            var web = new Uri(endpoints.WebUrl);
            await using Chromium chromium = await Chromium.LaunchAsync(output, BrowserAppsTests.AppsChromium);
            // Headless Chromium under Playwright lets an AudioContext run without a user gesture whatever its autoplay
            // policy (and reports navigator.userActivation as active from the start), so the pages get the policy of a
            // browser the person has not touched: a context stays suspended until a trusted click or key press.
            await chromium.Context.AddInitScriptAsync("""
                (() => {
                  let gesture = false;
                  for (const type of ["pointerdown", "keydown"])
                    addEventListener(type, (e) => { if (e.isTrusted) gesture = true; }, true);
                  const Real = window.AudioContext;
                  window.AudioContext = class extends Real {
                    get state() { return gesture ? super.state : "suspended"; }
                  };
                })();
                """);
            IPage streamer = await chromium.OpenPageAsync("streamer", new Uri(web, $"/streamer/?channel={channel}&live=1&resolution={Resolution}"));
            await AppPage.WaitForAsync(streamer, "s => s.state === 'live'", Timeout, "the streamer going live");

            // The page joins by itself: the picture plays, the sound is refused, and the Join button offers it.
            IPage viewer = await chromium.OpenPageAsync("viewer", new Uri(web, $"/watch/?channel={channel}"));
            await AppPage.WaitForAsync(viewer, "s => s.audioBlocked === true && s.framesRendered > 30", Timeout, "video playing without sound");
            await AssertStatusAsync(viewer, "without sound");
            Assert.Equal(0, (await AppPage.StatsAsync(viewer)).GetProperty("audioFramesPlayed").GetInt32());

            // The click is the gesture: the join it starts plays sound and picture.
            await viewer.Locator("#join").ClickAsync(new LocatorClickOptions { Timeout = 30_000 });
            await AppPage.WaitForAsync(viewer, "s => s.audioBlocked === false && s.audioFramesPlayed > 50 && s.state === 'playing'", Timeout, "sound after Join");
            int rendered = (await AppPage.StatsAsync(viewer)).GetProperty("framesRendered").GetInt32();
            await AppPage.WaitForAsync(viewer, $"s => s.framesRendered > {rendered + 30}", Timeout, "the picture going on with sound");
            Assert.True(await viewer.Locator("#join").IsHiddenAsync());
        }
    }

    [Fact]
    public async Task Apps_ExplainNoPermissionChannelEndedAndServerUnreachable_AndRecoverByThemselves()
    {
        const string channel = "e2eerrors";
        (CliHost firstServer, ServeEndpoints endpoints) = await ServeEndpoints.StartServeAsync(Timeout);
        CliHost server = firstServer;
        try
        {
            var web = new Uri(endpoints.WebUrl);
            // No --use-fake-ui-for-media-stream: the camera permission prompt is refused until the test grants it.
            await using Chromium chromium = await Chromium.LaunchAsync(output, BrowserAppsTests.AppsChromium with
            {
                Arguments = ["--use-fake-device-for-media-stream=fps=30", "--deny-permission-prompts", "--autoplay-policy=no-user-gesture-required"],
            });

            // No camera permission: a message saying so; granting it starts the camera and goes live without a reload.
            IPage streamer = await chromium.OpenPageAsync("streamer", new Uri(web, $"/streamer/?channel={channel}&live=1&resolution={Resolution}"));
            await AppPage.WaitForAsync(streamer, "s => s.state === 'error'", Timeout, "the refused camera");
            await AssertStatusAsync(streamer, "No permission to use the camera");
            await chromium.Context.GrantPermissionsAsync(["camera", "microphone"], new BrowserContextGrantPermissionsOptions { Origin = web.GetLeftPart(UriPartial.Authority) });
            await AppPage.WaitForAsync(streamer, "s => s.state === 'live'", Timeout, "going live once the camera is allowed");

            IPage viewer = await chromium.OpenPageAsync("viewer", new Uri(web, $"/watch/?channel={channel}"));
            await AppPage.WaitForAsync(viewer, "s => s.framesRendered > 0 && s.rendition !== undefined", Timeout, "the first frame");
            // Auto quality starts on the lowest rendition (nothing is known about the path yet); an up-switch needs 4 s
            // of evidence, so the first frames are the low rendition's. Then the viewer picks the high one by hand.
            Assert.Equal("video/sd", (await AppPage.StatsAsync(viewer)).GetProperty("rendition").GetString());
            await SwitchAsync(viewer, "video/hd", 640, 360);

            // Channel ended: the streamer stops; the viewer says so, and plays again when the channel is back.
            await streamer.Locator("#stop").ClickAsync(new LocatorClickOptions { Timeout = 30_000 });
            await AppPage.WaitForAsync(viewer, "s => s.state === 'ended'", Timeout, "the viewer seeing the channel end");
            await AssertStatusAsync(viewer, "ended the broadcast");
            await streamer.Locator("#live").ClickAsync(new LocatorClickOptions { Timeout = 30_000 });
            await AppPage.WaitForAsync(streamer, "s => s.state === 'live'", Timeout, "the streamer live again");
            int rendered = (await AppPage.StatsAsync(viewer)).GetProperty("framesRendered").GetInt32();
            await AppPage.WaitForAsync(viewer, $"s => s.state === 'playing' && s.framesRendered > {rendered + 30}", Timeout, "the viewer rejoining by itself");

            // Server unreachable: both pages say so; once it is back (same address), both recover by themselves.
            int port = web.Port;
            await server.StopAsync(TimeSpan.FromSeconds(30));
            await AppPage.WaitForAsync(viewer, "s => s.state === 'error'", Timeout, "the viewer losing the server");
            await AppPage.WaitForAsync(streamer, "s => s.state === 'error'", Timeout, "the streamer losing the server");
            await AssertStatusAsync(viewer, "the MoqLive server");
            await AssertStatusAsync(streamer, "the MoqLive server");
            await server.DisposeAsync();
            var restart = System.Diagnostics.Stopwatch.StartNew();
            server = await RestartServeAsync(port);
            // Connections the old server closed hold its UDP port for their closing period (3 PTOs, RFC 9000 §10.2).
            output.WriteLine($"serve listening on port {port} again after {restart.ElapsedMilliseconds} ms");
            await AppPage.WaitForAsync(streamer, "s => s.state === 'live'", Timeout, "the streamer reconnecting");
            rendered = (await AppPage.StatsAsync(viewer)).GetProperty("framesRendered").GetInt32();
            await AppPage.WaitForAsync(viewer, $"s => s.state === 'playing' && s.framesRendered > {rendered + 30}", Timeout, "the viewer reconnecting");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>
    /// <c>moqlive serve</c> again on the port the pages came from (they reconnect to their own origin), once the stopped
    /// server's sockets have let go of it (bounded).
    /// </summary>
    private async Task<CliHost> RestartServeAsync(int port)
    {
        using var limit = new CancellationTokenSource(Timeout);
        while (true)
        {
            CliHost server = CliHost.Start("serve", "--listen", $"127.0.0.1:{port}", "--log-level", "Warning");
            try
            {
                await server.WaitForOutputAsync("Press Ctrl+C", Timeout);
                return server;
            }
            catch (InvalidOperationException) when (server.Error.Contains("Address already in use", StringComparison.Ordinal) && !limit.IsCancellationRequested)
            {
                await server.DisposeAsync();
                output.WriteLine($"port {port} still in use; retrying");
                await Task.Delay(500, CancellationToken.None);
            }
        }
    }

    private async Task SwitchAsync(IPage viewer, string rendition, int width, int height)
    {
        int rendered = (await AppPage.StatsAsync(viewer)).GetProperty("framesRendered").GetInt32();
        await viewer.Locator("#rendition").SelectOptionAsync(rendition, new LocatorSelectOptionOptions { Timeout = 30_000 });
        await AppPage.WaitForAsync(viewer, $"s => s.rendition === '{rendition}' && s.height === {height} && s.framesRendered > {rendered + 30}",
            Timeout, $"playback on {rendition}");
        JsonElement stats = await AppPage.StatsAsync(viewer);
        double gap = stats.GetProperty("switchGapMs").GetDouble();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"switch to {rendition}: {gap:F0} ms between the last old and the first new frame"));
        Assert.False(stats.TryGetProperty("lastError", out JsonElement error), $"playback error after switching to {rendition}: {error}");
        Assert.Equal("configured", stats.GetProperty("decoderState").GetString());
        Assert.InRange(gap, 0, SwitchGapLimit.TotalMilliseconds);
        Assert.Equal($"{rendition} ({width}x{height})", (await OverlayAsync(viewer))["Rendition"]);
    }

    /// <summary>The rows of the page's <c>&lt;moqlive-stats&gt;</c> overlay, as shown.</summary>
    private static async Task<Dictionary<string, string>> OverlayAsync(IPage page) =>
        await page.EvaluateAsync<Dictionary<string, string>>(
            "() => Object.fromEntries([...document.querySelectorAll('moqlive-stats .row')].map(r => [r.querySelector('.label').textContent, r.querySelector('.value').textContent]))");

    private static void AssertShown(Dictionary<string, string> rows, string name)
    {
        Assert.True(rows.TryGetValue(name, out string? value), $"the stats overlay has no row '{name}': {string.Join(", ", rows.Keys)}");
        Assert.False(string.IsNullOrWhiteSpace(value) || value == "–", $"the stats row '{name}' shows a placeholder ('{value}')");
    }

    private static async Task AssertStatusAsync(IPage page, string expected)
    {
        string text = await page.Locator("#status").TextContentAsync(new LocatorTextContentOptions { Timeout = 30_000 }) ?? "";
        Assert.Contains(expected, text, StringComparison.Ordinal);
    }
}
