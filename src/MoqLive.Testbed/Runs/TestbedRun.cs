using System.Reflection;
using MoqLive.Testbed.Network;
using MoqLive.Testbed.Pipelines;
using MoqLive.Testbed.Processes;

namespace MoqLive.Testbed.Runs;

/// <summary>
/// <c>testbed run</c>: builds the network, starts the shared source and encoder on the streamer, each system's server
/// on the relay and one headless Chromium per system on every viewer, lets them play for the duration, and turns what
/// the pages measured into a <see cref="SystemResult"/> per system.
/// </summary>
public static class TestbedRun
{
    private static readonly TimeSpan StartupLimit = TimeSpan.FromSeconds(60);

    public static async Task<IReadOnlyList<SystemResult>> RunAsync(RunOptions options, TimeProvider time, TextWriter log, CancellationToken cancellationToken = default)
    {
        foreach (string system in options.Systems)
        {
            if (system == RunOptions.MoqLive)
            {
                throw new InvalidOperationException(
                    "The MoqLive pipeline is not wired on this branch yet: it needs `moqlive publish --media` (branch media-cli) and the audience page (branch web-apps). Run with --systems hls.");
            }

            if (system != RunOptions.Hls)
            {
                throw new ArgumentException($"Unknown system '{system}'. Known: {RunOptions.MoqLive}, {RunOptions.Hls}.", nameof(options));
            }
        }

        string hlsJs = Path.Combine(options.HlsJsDirectory, "hls.min.js");
        if (!File.Exists(hlsJs))
        {
            throw new InvalidOperationException($"{hlsJs} is missing: run `npm ci` in web/ (hls.js is a devDependency there).");
        }

        string directory = Directory.CreateTempSubdirectory("moqlive-testbed-run-").FullName;
        try
        {
            await using var network = await TestbedNetwork.StartAsync(
                new TestbedOptions { ViewerProfile = options.Profile, Viewers = options.Viewers, TraceDirectory = options.TraceDirectory },
                time, log, cancellationToken).ConfigureAwait(false);
            await using var origin = await NginxRtmpOrigin.StartAsync(network.Relay, Path.Combine(directory, "nginx"), time, cancellationToken).ConfigureAwait(false);
            File.Copy(hlsJs, Path.Combine(origin.WebRoot, "hls.min.js"));
            await WritePlayerAsync(origin.WebRoot, "hls.html", cancellationToken).ConfigureAwait(false);
            await WritePlayerAsync(origin.WebRoot, "measure.js", cancellationToken).ConfigureAwait(false);

            await log.WriteLineAsync($"source: {options.FramesPerSecond} fps, {options.BitrateKbps} kbit/s H.264 → rtmp://{network.Relay.Address}:{NginxRtmpOrigin.RtmpPort}/live/stream").ConfigureAwait(false);
            await using var encoder = FfmpegEncoder.Start(
                network.Streamer, $"rtmp://{network.Relay.Address}:{NginxRtmpOrigin.RtmpPort}/live/stream", options.FramesPerSecond, options.BitrateKbps, time);
            await WaitForFileAsync(Path.Combine(directory, "nginx", "hls", "stream.m3u8"), encoder, time, cancellationToken).ConfigureAwait(false);

            var viewers = new List<BrowserViewer>();
            try
            {
                foreach (var host in network.Viewers)
                {
                    await log.WriteLineAsync($"viewer {host.Label}: Chromium with hls.js").ConfigureAwait(false);
                    viewers.Add(await BrowserViewer.StartAsync(
                        host, new Uri($"http://{network.Relay.Address}:{NginxRtmpOrigin.HttpPort}/hls.html"), Path.Combine(directory, $"chromium-{host.Label}"),
                        cancellationToken).ConfigureAwait(false));
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

                return [RunMetrics.Summarize(RunOptions.Hls, options.Profile.Name, start, options.Duration, snapshots)];
            }
            finally
            {
                foreach (var viewer in viewers)
                {
                    await viewer.DisposeAsync().ConfigureAwait(false);
                }
            }
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
