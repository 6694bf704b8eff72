using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using MoqLive.E2E.Tests.Server;
using Xunit.Abstractions;

namespace MoqLive.E2E.Tests.Browser;

/// <summary>
/// The web apps as `moqlive serve` serves them (wwwroot built from web/apps by the Server project), in real Chromium
/// with a fake camera and microphone: the streamer goes live, two viewers play (video frames advancing, audio decoded)
/// with their glass-to-glass latency recorded, a third viewer joins mid-stream, the streamer reloads and the viewers
/// resume without reloading, and a chat message from one viewer reaches the other and the streamer. Stats come from each
/// page's <c>window.__moqliveStats</c>.
/// </summary>
[Trait("Category", "Browser")]
[Collection(nameof(BrowserCollection))]
public sealed class BrowserAppsTests(ITestOutputHelper output)
{
    private const string Channel = "e2e";
    // 640x360 + 320x180: one streamer and three viewers in one headless Chromium on 2 shared cores.
    private const int Resolution = 360;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PlayTime = TimeSpan.FromSeconds(10);
    // Issue 5: a viewer joining mid-stream shows video within 1 s of joining.
    private static readonly TimeSpan MidStreamFirstFrameTarget = TimeSpan.FromSeconds(1);
    // Not yet met: 1.99 s in the clean-clone CI (load 1.8 per core from the test's own streamer, viewers and relay), of
    // which 0.7 s handshake and 0.67 s from the first object to its decode (BENCHMARKS.md). The bound fails when a
    // mid-stream viewer cannot start playing, and stretches with the load on a shared machine.
    private static readonly TimeSpan MidStreamFirstFrameLimit = TimeSpan.FromSeconds(10);

    /// <summary>Chromium for the apps: a fake camera and microphone, and audio without a user gesture.</summary>
    internal static readonly ChromiumOptions AppsChromium = new()
    {
        Arguments = ["--use-fake-device-for-media-stream=fps=30", "--use-fake-ui-for-media-stream", "--autoplay-policy=no-user-gesture-required"],
        IgnoreHttpsErrors = true,
        ConsoleTypes = new HashSet<string> { "error", "warning" },
    };

    [Fact]
    public async Task StreamerAndAudience_PlayThroughTheRelay_ResumeAfterStreamerReload()
    {
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "wwwroot", "streamer", "index.html")),
            "wwwroot/streamer is missing beside the test assembly: the Server project's web build (npm run build in web/) did not run.");
        await using CliHost server = CliHost.Start("serve", "--listen", "127.0.0.1:0", "--log-level", "Warning");
        await server.WaitForOutputAsync("Press Ctrl+C", TimeSpan.FromSeconds(30));
        var web = new Uri(ServeBanner.WebUrl().Match(server.Output).Groups[1].Value);

        await using Chromium chromium = await Chromium.LaunchAsync(output, AppsChromium);
        await chromium.Context.AddInitScriptAsync(AppPage.LongTaskRecorder);

        IPage streamer = await chromium.OpenPageAsync("streamer", new Uri(web, $"/streamer/?channel={Channel}&title=E2E&live=1&resolution={Resolution}"));
        await AppPage.WaitForAsync(streamer, "s => s.state === 'live'", StartTimeout, "the streamer going live");
        JsonElement streamerStats = await AppPage.StatsAsync(streamer);
        output.WriteLine($"streamer live, video codec {streamerStats.GetProperty("codec")}");

        // docs/media-format.md "Publishing": the streamer PUBLISHed its tracks, so the relay carries them (catalog, both
        // renditions, audio) before any viewer asks, and serves the first viewer from its cache.
        JsonElement relay = await RelayStatsAsync(streamer);
        output.WriteLine($"relay before any viewer: {relay.GetProperty("tracks")} tracks, {relay.GetProperty("objectsIn")} objects in, {relay.GetProperty("upstreamSubscribes")} upstream SUBSCRIBEs");
        Assert.True(relay.GetProperty("tracks").GetInt32() >= 4, $"the relay carries {relay.GetProperty("tracks")} tracks before any viewer; the streamer's PUBLISHes did not reach it");

        // Viewer 2 opens once viewer 1 shows its first frame. Opened at once, viewer 2's page start (a new renderer process,
        // its bundle, its join) took the 2 cores during viewer 1's join: viewer 1's main thread then had a 200–260 ms task
        // right after its session was ready, and its first frame came at 726–2064 ms; joining alone it took 597 ms at 11.8
        // per core (BENCHMARKS.md "the first viewer"). Real viewers do not share a machine's cores with each other.
        var viewers = new IPage[2];
        for (int i = 0; i < viewers.Length; i++)
        {
            viewers[i] = await chromium.OpenPageAsync($"viewer{i + 1}", new Uri(web, $"/watch/?channel={Channel}"));
            await AppPage.WaitForAsync(viewers[i], "s => s.framesRendered > 0 && s.timeToFirstFrameMs !== undefined", StartTimeout, "the first frame");
        }

        relay = await RelayStatsAsync(streamer);
        output.WriteLine($"relay after both viewers' first frames: {relay.GetProperty("upstreamSubscribes")} upstream SUBSCRIBEs (chat tracks included)");

        // Play for 10 s: video frames advance and audio frames flow on both; every rendered frame's latency is kept.
        var before = new List<JsonElement>();
        foreach (IPage viewer in viewers)
            before.Add(await AppPage.StatsAsync(viewer));
        await Task.Delay(PlayTime);
        for (int i = 0; i < viewers.Length; i++)
        {
            JsonElement after = await AppPage.StatsAsync(viewers[i]);
            int frames = after.GetProperty("framesRendered").GetInt32() - before[i].GetProperty("framesRendered").GetInt32();
            int audio = after.GetProperty("audioFramesDecoded").GetInt32() - before[i].GetProperty("audioFramesDecoded").GetInt32();
            double[] latencies = [.. after.GetProperty("latencySamplesMs").EnumerateArray().Skip(before[i].GetProperty("latencySamplesMs").GetArrayLength()).Select(e => e.GetDouble())];
            double ttff = after.GetProperty("timeToFirstFrameMs").GetDouble();
            string longTasks = await AppPage.LongTasksDuringJoinAsync(viewers[i]);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"viewer{i + 1}: {frames} video frames and {audio} audio frames in {PlayTime.TotalSeconds} s, rendition {after.GetProperty("rendition")}, " +
                $"glass-to-glass p50 {Percentile(latencies, 50):F1} ms p95 {Percentile(latencies, 95):F1} ms over {latencies.Length} frames, " +
                $"first frame {ttff:F0} ms after join ({PageToFirstFrame(after)} ms after the page's navigation started), late {after.GetProperty("lateFrames")}, dropped {after.GetProperty("droppedFrames")}; " +
                $"join timeline (ms) {after.GetProperty("joinTimelineMs")}; video objects dropped before the first {DroppedBeforeFirstObject(after)}; main-thread long tasks during the join (ms after join, duration) {longTasks}"));
            // Nominally 300 video frames (30 fps) and 500 Opus packets; a machine with a load average of 45 on 2 cores delivered
            // 9 and 14 at 720p. The bounds only require playback to advance, and fail when it stalls.
            Assert.True(frames >= 10, $"viewer{i + 1} rendered only {frames} frames in {PlayTime.TotalSeconds} s");
            Assert.True(audio >= 10, $"viewer{i + 1} decoded only {audio} audio frames in {PlayTime.TotalSeconds} s");
            Assert.NotEmpty(latencies);
            Assert.InRange(Percentile(latencies, 50), -50, 2000);
        }

        // A viewer joining mid-stream starts from the current group's key frame (joining FETCH) and shows video within 1 s.
        IPage late = await chromium.OpenPageAsync("viewer3", new Uri(web, $"/watch/?channel={Channel}"));
        await AppPage.WaitForAsync(late, "s => s.framesRendered > 0 && s.timeToFirstFrameMs !== undefined", StartTimeout, "the mid-stream viewer's first frame");
        JsonElement lateStats = await AppPage.StatsAsync(late);
        double midStream = lateStats.GetProperty("timeToFirstFrameMs").GetDouble();
        JsonElement timeline = lateStats.GetProperty("joinTimelineMs");
        // The 1 s target holds on a machine with at most one runnable task per core. On a shared machine every step of the
        // join (handshake, requests through the relay, worker start, decode) waits for a core in proportion to the load,
        // so the bound is the target stretched by the 1-minute load average per core, and at least MidStreamFirstFrameLimit. Measured on a machine shared by
        // about eight engineers: 3.3–4.2 s at 23–28 per core, 21 s at 44 and 14.8 s at 57 per core (11.2 s of it the
        // WebTransport handshake; 0.2 s from the first video object to the first drawn frame).
        string lateLongTasks = await AppPage.LongTasksDuringJoinAsync(late);
        double load = LoadAveragePerCore();
        double limit = Math.Max(MidStreamFirstFrameLimit.TotalMilliseconds, MidStreamFirstFrameTarget.TotalMilliseconds * load);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"viewer3 (mid-stream join at {lateStats.GetProperty("joinedAt")} ms since the epoch): first frame {midStream:F0} ms after join ({PageToFirstFrame(lateStats)} ms after navigation; load average {load:F1} per core, limit {limit:F0} ms), " +
            $"late {lateStats.GetProperty("lateFrames")}, dropped {lateStats.GetProperty("droppedFrames")}; join timeline (ms) {timeline}; video objects dropped before the first {DroppedBeforeFirstObject(lateStats)}; " +
            $"main-thread long tasks during the join (ms after join, duration) {lateLongTasks}"));
        // The relay carries the channel by now, so `moqlive serve` put its catalog in the page and the player set its decoder
        // up from it as it started (the worker's decoder-prepare step), before the catalog track answered.
        Assert.True(timeline.TryGetProperty("decoder-prepare", out _), $"the mid-stream viewer's page had no catalog to prepare its decoder with; join timeline (ms) {timeline}");
        Assert.True(midStream < limit,
            string.Create(CultureInfo.InvariantCulture,
                $"the mid-stream viewer showed its first frame {midStream:F0} ms after joining (target 1000 ms, " +
                $"limit {limit:F0} ms at {load:F1}); join timeline (ms) {timeline}"));
        await late.CloseAsync();

        // The streamer reloads: the viewers keep their pages and play again once it is live.
        await streamer.ReloadAsync(new PageReloadOptions { Timeout = 30_000 });
        await AppPage.WaitForAsync(streamer, "s => s.state === 'live'", StartTimeout, "the reloaded streamer going live");
        var stopwatch = Stopwatch.StartNew();
        foreach (IPage viewer in viewers)
        {
            int rendered = (await AppPage.StatsAsync(viewer)).GetProperty("framesRendered").GetInt32();
            await AppPage.WaitForAsync(viewer, $"s => s.framesRendered > {rendered + 30}", StartTimeout, "playback resuming after the streamer reload");
        }
        output.WriteLine($"viewers resumed {stopwatch.ElapsedMilliseconds} ms after the reloaded streamer went live");

        // Chat: a message typed on one viewer appears on the other viewer and on the streamer (as text).
        const string message = "hello from viewer1 <b>not bold</b>";
        await AppPage.WaitForAsync(viewers[1], "s => Array.isArray(s.chat)", StartTimeout, "the chat hook");
        IPage sender = viewers[0];
        await sender.Locator("moqlive-chat input.text").FillAsync(message, new LocatorFillOptions { Timeout = 30_000 });
        await sender.Locator("moqlive-chat button[type=submit]").ClickAsync(new LocatorClickOptions { Timeout = 30_000 });
        string expected = JsonSerializer.Serialize("Viewer: " + message);
        foreach (IPage page in new[] { viewers[1], streamer })
            await AppPage.WaitForAsync(page, $"s => s.chat.includes({expected})", StartTimeout, "the chat message");
        Assert.Equal(message, await viewers[1].Locator("moqlive-chat li", new PageLocatorOptions { HasText = "hello from viewer1" }).Locator(".text").TextContentAsync());
    }

    /// <summary>The 1-minute load average per core (0 where /proc/loadavg does not exist).</summary>
    private static double LoadAveragePerCore()
    {
        const string path = "/proc/loadavg";
        if (!File.Exists(path))
            return 0;
        string first = File.ReadAllText(path).Split(' ')[0];
        return double.Parse(first, CultureInfo.InvariantCulture) / Environment.ProcessorCount;
    }

    /// <summary>The audience page's <c>pageToFirstFrameMs</c> (its first join's first frame after navigation start), "?" when absent.</summary>
    private static string PageToFirstFrame(JsonElement stats) =>
        stats.TryGetProperty("pageToFirstFrameMs", out JsonElement ms) ? ms.GetDouble().ToString("F0", CultureInfo.InvariantCulture) : "?";

    /// <summary>The audience page's <c>droppedBeforeFirstObject</c> (decoder worker, by reason:track), "{}" when none.</summary>
    private static string DroppedBeforeFirstObject(JsonElement stats) =>
        stats.TryGetProperty("droppedBeforeFirstObject", out JsonElement dropped) ? dropped.ToString() : "{}";

    private static double Percentile(double[] values, double p)
    {
        if (values.Length == 0)
            return double.NaN;
        double[] sorted = [.. values.Order()];
        int rank = Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1);
        return sorted[rank];
    }

    /// <summary>The relay's counters (/api/stats), read through a page of the server's origin.</summary>
    private static async Task<JsonElement> RelayStatsAsync(IPage page) =>
        (await page.EvaluateAsync<JsonElement>("() => fetch('/api/stats').then(r => r.json())")).GetProperty("relay");
}
