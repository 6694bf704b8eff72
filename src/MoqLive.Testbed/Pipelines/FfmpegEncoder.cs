using System.Globalization;
using MoqLive.Testbed.Network;
using MoqLive.Testbed.Processes;

namespace MoqLive.Testbed.Pipelines;

/// <summary>
/// The one encode both systems share: ffmpeg in the streamer namespace reads the <see cref="SourceGenerator"/>'s raw
/// frames from stdin and encodes H.264 (x264, low-latency tuning, a keyframe every second), pushing it over RTMP to
/// the origin. A second system taps the same encode through ffmpeg's tee muxer.
/// </summary>
public sealed class FfmpegEncoder : IAsyncDisposable
{
    private readonly BackgroundProcess _process;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _source;

    private FfmpegEncoder(BackgroundProcess process, SourceGenerator generator)
    {
        _process = process;
        Generator = generator;
        _source = Task.Run(async () =>
        {
            try
            {
                await generator.RunAsync(process.StandardInput, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                // Stopped, or ffmpeg exited (its output says why).
            }
        });
    }

    public SourceGenerator Generator { get; }

    public BackgroundProcess Process => _process;

    /// <summary>Starts ffmpeg on <paramref name="streamer"/> pushing to <paramref name="rtmpUrl"/> and feeds it.</summary>
    public static FfmpegEncoder Start(TestbedHost streamer, string rtmpUrl, int framesPerSecond, int bitrateKbps, TimeProvider time)
    {
        string fps = framesPerSecond.ToString(CultureInfo.InvariantCulture);
        string rate = bitrateKbps.ToString(CultureInfo.InvariantCulture) + "k";
        string[] arguments =
        [
            "-hide_banner", "-loglevel", "warning", "-nostats",
            "-f", "rawvideo", "-pix_fmt", "gray", "-video_size", $"{FrameStamp.Width}x{FrameStamp.Height}", "-framerate", fps, "-i", "-",
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
            "-b:v", rate, "-maxrate", rate, "-bufsize", rate, "-g", fps, "-keyint_min", fps, "-sc_threshold", "0",
            "-f", "flv", rtmpUrl,
        ];
        var process = BackgroundProcess.Start("ffmpeg", "ip", TestbedNetwork.Exec(streamer, "ffmpeg", arguments), time, standardInput: true);
        return new FfmpegEncoder(process, new SourceGenerator(framesPerSecond, time));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _source.ConfigureAwait(false);
        await _process.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
