using System.Globalization;
using MoqLive.Testbed.Network;
using MoqLive.Testbed.Processes;

namespace MoqLive.Testbed.Pipelines;

/// <summary>
/// The one encode both systems share: ffmpeg in the streamer namespace reads the <see cref="SourceGenerator"/>'s raw
/// frames from stdin and encodes H.264 once (x264, low-latency tuning, no B-frames, a keyframe every second), and ffmpeg's
/// tee muxer hands that encode to the RTMP origin (HLS) and as MPEG-TS to <c>moqlive publish</c> (MoqLive).
/// With a low bitrate, the MPEG-TS also carries a second, simulcast rendition of the same frames at half the
/// size (<see cref="LowWidth"/> × <see cref="LowHeight"/>), key frames on the same frames (fixed GOP, no scene cuts),
/// which <c>moqlive publish</c> publishes as <c>video/sd</c> for the player's rate adaptation (docs/media-format.md).
/// </summary>
public sealed class FfmpegEncoder : IAsyncDisposable
{
    /// <summary>
    /// The tee muxer's options for the MPEG-TS output <c>moqlive publish --media -</c> reads. <c>omit_video_pes_length=0</c>:
    /// every video PES carries its PES_packet_length, so the publisher's demuxer releases a frame as soon as its last
    /// packet is in. Fragmented MP4 (<c>frag_every_frame</c>) held each frame until the next one reached the muxer, which
    /// needs the next decode time for the sample's duration: one frame interval more on every frame.
    /// <c>flush_packets=1</c>: each frame is written to the pipe at once, not when ffmpeg's I/O buffer fills.
    /// </summary>
    public const string MpegTsOptions = "f=mpegts:omit_video_pes_length=0:flush_packets=1";

    /// <summary>Picture size of the low rendition: half the source's in each direction.</summary>
    public const int LowWidth = FrameStamp.Width / 2;

    public const int LowHeight = FrameStamp.Height / 2;

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

    /// <summary>The MPEG-TS on ffmpeg's stdout (only when started with mpegTs).</summary>
    public Stream Media => _process.StandardOutput;

    /// <summary>
    /// Starts ffmpeg on <paramref name="streamer"/> and feeds it. It pushes to <paramref name="rtmpUrl"/> when given and,
    /// with <paramref name="mpegTs"/>, also writes the same encode as MPEG-TS to its stdout (<see cref="Media"/>), each
    /// frame as soon as it is encoded (<see cref="MpegTsOptions"/>). A positive <paramref name="lowBitrateKbps"/> adds the
    /// low rendition to the MPEG-TS only (RTMP carries one video stream).
    /// </summary>
    public static FfmpegEncoder Start(
        TestbedHost streamer, string? rtmpUrl, bool mpegTs, int framesPerSecond, int bitrateKbps, int lowBitrateKbps, TimeProvider time)
    {
        bool low = mpegTs && lowBitrateKbps > 0;
        var outputs = new List<string>();
        if (rtmpUrl is not null)
        {
            // Stream 0, the full-size rendition: FLV holds one video stream.
            outputs.Add($"[f=flv:select=0]{rtmpUrl}");
        }

        if (mpegTs)
        {
            outputs.Add($"[{MpegTsOptions}]pipe:1");
        }

        if (outputs.Count == 0)
        {
            throw new ArgumentException("The encoder needs an RTMP URL, MPEG-TS output, or both.", nameof(rtmpUrl));
        }

        string fps = framesPerSecond.ToString(CultureInfo.InvariantCulture);
        string rate = bitrateKbps.ToString(CultureInfo.InvariantCulture) + "k";
        string lowRate = lowBitrateKbps.ToString(CultureInfo.InvariantCulture) + "k";
        string[] streams = low
            ? ["-filter_complex", $"[0:v]split=2[hd][low];[low]scale={LowWidth}:{LowHeight}[sd]", "-map", "[hd]", "-map", "[sd]"]
            : ["-map", "0:v"];
        string[] rates = low
            ? ["-b:v:0", rate, "-maxrate:v:0", rate, "-bufsize:v:0", rate, "-b:v:1", lowRate, "-maxrate:v:1", lowRate, "-bufsize:v:1", lowRate]
            : ["-b:v", rate, "-maxrate", rate, "-bufsize", rate];
        string[] arguments =
        [
            "-hide_banner", "-loglevel", "warning", "-nostats",
            "-f", "rawvideo", "-pix_fmt", "gray", "-video_size", $"{FrameStamp.Width}x{FrameStamp.Height}", "-framerate", fps, "-i", "-",
            .. streams,
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-bf", "0", "-pix_fmt", "yuv420p",
            // The tee muxer does not ask for global headers as its outputs' muxers would: without this the SPS/PPS are not in
            // the extradata the FLV's AVC sequence header and the MPEG-TS muxer (before each key frame) take them from.
            "-flags", "+global_header",
            .. rates,
            // A key frame every second on the same frames in both renditions: the player switches at group boundaries.
            "-g", fps, "-keyint_min", fps, "-sc_threshold", "0",
            // The tee muxer sends the one encode to every output, so both systems carry the same frames and stamps.
            "-f", "tee", string.Join('|', outputs),
        ];
        var process = BackgroundProcess.Start(
            "ffmpeg", "ip", TestbedNetwork.Exec(streamer, "ffmpeg", arguments), time, standardInput: true, binaryOutput: mpegTs);
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
