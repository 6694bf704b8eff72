namespace MoqLive.Testbed.Pipelines;

/// <summary>
/// The shared source: raw 8-bit gray frames (<see cref="FrameStamp.Width"/> × <see cref="FrameStamp.Height"/>) at a
/// fixed rate, each stamped with the wall-clock time at which it is handed to the encoder, written to a stream
/// (ffmpeg's stdin). The capture time is taken as late as possible, so encoder queueing counts as latency, as a
/// camera's would.
/// </summary>
public sealed class SourceGenerator
{
    private readonly TimeProvider _time;

    public SourceGenerator(int framesPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(framesPerSecond, 1);
        FramesPerSecond = framesPerSecond;
        _time = time;
    }

    public int FramesPerSecond { get; }

    /// <summary>Frames written so far.</summary>
    public long FramesWritten { get; private set; }

    /// <summary>Writes frames on schedule until cancelled or the stream breaks (the encoder exited).</summary>
    public async Task RunAsync(Stream output, CancellationToken cancellationToken)
    {
        byte[] frame = new byte[FrameStamp.FrameBytes];
        long start = _time.GetTimestamp();
        var interval = TimeSpan.FromSeconds(1.0 / FramesPerSecond);
        for (long n = 0; !cancellationToken.IsCancellationRequested; n++)
        {
            TimeSpan due = interval * n;
            TimeSpan wait = due - _time.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }

            FrameStamp.Draw(frame, _time.GetUtcNow().ToUnixTimeMilliseconds(), n);
            await output.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            FramesWritten++;
        }
    }
}
