using System.Reflection;
using MoqLive.Testbed.Network;
using MoqLive.Testbed.Pipelines;
using MoqLive.Testbed.Processes;

namespace MoqLive.Testbed.Runs;

/// <summary>
/// <c>testbed run</c>: builds the network, starts the shared source and encoder on the streamer and each system's server
/// on the relay, then for one system after the other opens a headless Chromium on every viewer, lets it play for the
/// duration, and turns what the pages measured into a <see cref="SystemResult"/> per system.
/// </summary>
public static class TestbedRun
{
    private static readonly TimeSpan StartupLimit = TimeSpan.FromSeconds(60);

    /// <summary>The channel MoqLive's systems publish on.</summary>
    public const string Channel = "testbed";

    /// <summary>The channel the streamer web app publishes on (<see cref="RunOptions.MoqLiveWeb"/>).</summary>
    public const string WebChannel = "testbed-web";

    public static async Task<IReadOnlyList<SystemResult>> RunAsync(RunOptions options, TimeProvider time, TextWriter log, CancellationToken cancellationToken = default)
    {
        foreach (string system in options.Systems)
        {
            if (system is not (RunOptions.Hls or RunOptions.MoqLive or RunOptions.MoqLiveWeb))
            {
                throw new ArgumentException($"Unknown system '{system}'. Known: {RunOptions.MoqLive}, {RunOptions.MoqLiveWeb}, {RunOptions.Hls}.", nameof(options));
            }
        }

        bool hls = options.Systems.Contains(RunOptions.Hls);
        bool moqlive = options.Systems.Contains(RunOptions.MoqLive);
        bool moqliveWeb = options.Systems.Contains(RunOptions.MoqLiveWeb);
        string hlsJs = Path.Combine(options.HlsJsDirectory, "hls.min.js");
        if (hls && !File.Exists(hlsJs))
        {
            throw new InvalidOperationException($"{hlsJs} is missing: run `npm ci` in web/ (hls.js is a devDependency there).");
        }

        string directory = Directory.CreateTempSubdirectory("moqlive-testbed-run-").FullName;
        try
        {
            await using var network = await TestbedNetwork.StartAsync(
                new TestbedOptions { ViewerProfile = options.Profile, Viewers = options.Viewers, TraceDirectory = options.TraceDirectory },
                time, log, cancellationToken).ConfigureAwait(false);
            await using var origin = hls
                ? await NginxRtmpOrigin.StartAsync(network.Relay, Path.Combine(directory, "nginx"), time, cancellationToken).ConfigureAwait(false)
                : null;
            if (origin is not null)
            {
                File.Copy(hlsJs, Path.Combine(origin.WebRoot, "hls.min.js"));
                await WritePlayerAsync(origin.WebRoot, "hls.html", cancellationToken).ConfigureAwait(false);
                await WritePlayerAsync(origin.WebRoot, "measure.js", cancellationToken).ConfigureAwait(false);
            }

            await using var relay = moqlive || moqliveWeb
                ? await MoqLiveRelay.StartAsync(network.Relay, options.MoqLiveDll, time, cancellationToken).ConfigureAwait(false)
                : null;
            string? rtmpUrl = hls ? $"rtmp://{network.Relay.Address}:{NginxRtmpOrigin.RtmpPort}/live/stream" : null;
            await using var encoder = hls || moqlive
                ? FfmpegEncoder.Start(network.Streamer, rtmpUrl, mpegTs: moqlive, options.FramesPerSecond, options.BitrateKbps, options.LowBitrateKbps, time)
                : null;
            if (encoder is not null)
            {
                await log.WriteLineAsync($"source: {options.FramesPerSecond} fps, {options.BitrateKbps} kbit/s H.264"
                    + (moqlive && options.LowBitrateKbps > 0 ? $" (+ {options.LowBitrateKbps} kbit/s {FfmpegEncoder.LowWidth}x{FfmpegEncoder.LowHeight} for MoqLive)" : "") + " → "
                    + string.Join(" and ", new[] { rtmpUrl, moqlive ? $"MPEG-TS | moqlive publish {relay!.MoqtUrl} --channel {Channel}" : null }.OfType<string>())).ConfigureAwait(false);
            }

            // Started before waiting for HLS: ffmpeg blocks (and the RTMP push with it) while nobody reads its stdout.
            await using var publisher = moqlive
                ? await MoqLivePublisher.StartAsync(network.Streamer, relay!, options.MoqLiveDll, Channel, encoder!, time, cancellationToken).ConfigureAwait(false)
                : null;
            if (origin is not null)
            {
                await WaitForFileAsync(Path.Combine(directory, "nginx", "hls", "stream.m3u8"), encoder!, time, cancellationToken).ConfigureAwait(false);
            }

            // One system at a time on the viewers' links, so neither competes with the other for the bottleneck.
            var results = new List<SystemResult>();
            foreach (string system in options.Systems.Distinct())
            {
                results.Add(await MeasureAsync(system, network, relay, options, directory, time, log, cancellationToken).ConfigureAwait(false));
            }

            return results;
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Left in the temp folder; harmless.
            }
        }
    }

    private static async Task<SystemResult> MeasureAsync(
        string system, TestbedNetwork network, MoqLiveRelay? relay, RunOptions options, string directory, TimeProvider time, TextWriter log, CancellationToken cancellationToken)
    {
        string measure = await ReadPlayerAsync("measure.js", cancellationToken).ConfigureAwait(false);
        string watch = await ReadPlayerAsync("moqlive-watch.js", cancellationToken).ConfigureAwait(false);
        (Uri url, string? initScript, string latencySource) = system switch
        {
            RunOptions.Hls => (new Uri($"http://{network.Relay.Address}:{NginxRtmpOrigin.HttpPort}/hls.html"), (string?)null, SystemResult.StampLatency),
            RunOptions.MoqLive => (new Uri(relay!.WebUrl, $"watch/?channel={Channel}"), measure + watch, SystemResult.StampLatency),
            RunOptions.MoqLiveWeb => (new Uri(relay!.WebUrl, $"watch/?channel={WebChannel}"),
                "window.testbedLatencyFromLoc = true;\n" + measure + watch, SystemResult.LocLatency),
            _ => throw new ArgumentException($"Unknown system '{system}'.", nameof(system)),
        };
        BrowserViewer? streamer = null;
        var viewers = new List<BrowserViewer>();
        try
        {
            if (system == RunOptions.MoqLiveWeb)
            {
                streamer = await StartWebStreamerAsync(network, relay!, directory, time, log, cancellationToken).ConfigureAwait(false);
            }

            foreach (var host in network.Viewers)
            {
                await log.WriteLineAsync($"viewer {host.Label}: Chromium, {system} ({url})").ConfigureAwait(false);
                viewers.Add(await BrowserViewer.StartAsync(
                    host, url, Path.Combine(directory, $"chromium-{system}-{host.Label}"), initScript, [], cancellationToken).ConfigureAwait(false));
            }

            long start = time.GetUtcNow().ToUnixTimeMilliseconds();
            await log.WriteLineAsync($"playing for {options.Duration.TotalSeconds:0} s").ConfigureAwait(false);
            await Task.Delay(options.Duration, time, cancellationToken).ConfigureAwait(false);
            var snapshots = new List<ViewerSnapshot>();
            foreach (var viewer in viewers)
            {
                snapshots.Add(await viewer.SnapshotAsync().ConfigureAwait(false));
            }

            if (network.Failure is { } failure)
            {
                throw new IOException($"The testbed router stopped: {failure.Message}", failure);
            }

            return RunMetrics.Summarize(system, options.Profile.Name, start, options.Duration, snapshots, latencySource);
        }
        finally
        {
            foreach (var viewer in viewers)
            {
                await viewer.DisposeAsync().ConfigureAwait(false);
            }

            if (streamer is not null)
            {
                await streamer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The streamer web app in Chromium on the streamer host, its camera Chromium's fake device at 30 fps, going live at
    /// once on <see cref="WebChannel"/> with the 640x360 top rendition (the shared source's size); returns once the relay
    /// lists the channel.
    /// </summary>
    private static async Task<BrowserViewer> StartWebStreamerAsync(
        TestbedNetwork network, MoqLiveRelay relay, string directory, TimeProvider time, TextWriter log, CancellationToken cancellationToken)
    {
        var url = new Uri(relay.WebUrl, $"streamer/?channel={WebChannel}&live=1&resolution=360&title=testbed");
        await log.WriteLineAsync($"streamer: Chromium with the fake camera ({url})").ConfigureAwait(false);
        var streamer = await BrowserViewer.StartAsync(network.Streamer, url, Path.Combine(directory, "chromium-streamer"), null,
            ["--use-fake-device-for-media-stream=fps=30", "--use-fake-ui-for-media-stream"], cancellationToken).ConfigureAwait(false);
        try
        {
            long begin = time.GetTimestamp();
            while (!await streamer.Page.EvaluateAsync<bool>(
                $"() => fetch('/api/channels').then((r) => r.json()).then((list) => list.some((c) => c.name === '{WebChannel}'), () => false)").ConfigureAwait(false))
            {
                if (time.GetElapsedTime(begin) > StartupLimit)
                {
                    string state = await streamer.Page.EvaluateAsync<string>("() => JSON.stringify(window.__moqliveStats ?? null)").ConfigureAwait(false);
                    throw new TimeoutException($"The streamer app did not go live within {StartupLimit.TotalSeconds:0} s: {state}");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
            }

            return streamer;
        }
        catch
        {
            await streamer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<string> ReadPlayerAsync(string name, CancellationToken cancellationToken)
    {
        await using var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream("player/" + name)
            ?? throw new InvalidOperationException($"Embedded player file {name} is missing.");
        using var reader = new StreamReader(resource);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WritePlayerAsync(string webRoot, string name, CancellationToken cancellationToken)
    {
        await using var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream("player/" + name)
            ?? throw new InvalidOperationException($"Embedded player file {name} is missing.");
        await using var file = File.Create(Path.Combine(webRoot, name));
        await resource.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WaitForFileAsync(string path, FfmpegEncoder encoder, TimeProvider time, CancellationToken cancellationToken)
    {
        long start = time.GetTimestamp();
        while (!File.Exists(path))
        {
            if (encoder.Process.HasExited)
            {
                throw new InvalidOperationException($"ffmpeg exited: {BackgroundProcess.Tail(encoder.Process.Output)}");
            }

            if (time.GetElapsedTime(start) > StartupLimit)
            {
                throw new TimeoutException($"No HLS playlist after {StartupLimit.TotalSeconds:0} s. ffmpeg: {BackgroundProcess.Tail(encoder.Process.Output)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken).ConfigureAwait(false);
        }
    }
}
