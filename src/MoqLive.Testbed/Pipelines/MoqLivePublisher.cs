using MoqLive.Testbed.Network;
using MoqLive.Testbed.Processes;

namespace MoqLive.Testbed.Pipelines;

/// <summary>
/// MoqLive's ingest under test: <c>moqlive publish URL --channel NAME --media -</c> in the streamer namespace, fed the
/// shared encoder's MPEG-TS through a pipe, as the README's ffmpeg example does.
/// </summary>
public sealed class MoqLivePublisher : IAsyncDisposable
{
    private static readonly TimeSpan StartupLimit = TimeSpan.FromSeconds(60);

    private readonly BackgroundProcess _process;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    private MoqLivePublisher(BackgroundProcess process, Stream media)
    {
        _process = process;
        _pump = Task.Run(async () =>
        {
            // Chunk by chunk, flushed at once: buffering here would add latency the CLI pipe does not have.
            byte[] buffer = new byte[64 * 1024];
            try
            {
                int read;
                while ((read = await media.ReadAsync(buffer, _stop.Token).ConfigureAwait(false)) > 0)
                {
                    await process.StandardInput.WriteAsync(buffer.AsMemory(0, read), _stop.Token).ConfigureAwait(false);
                    await process.StandardInput.FlushAsync(_stop.Token).ConfigureAwait(false);
                }

                process.StandardInput.Close();
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
            {
                // Stopped, or one side exited (its output says why).
            }
        });
    }

    public BackgroundProcess Process => _process;

    /// <summary>Starts publishing channel <paramref name="channel"/> to <paramref name="relay"/> and waits until it is live.</summary>
    public static async Task<MoqLivePublisher> StartAsync(
        TestbedHost streamer, MoqLiveRelay relay, string moqliveDll, string channel, FfmpegEncoder encoder, TimeProvider time, CancellationToken cancellationToken)
    {
        var process = BackgroundProcess.Start("moqlive publish", "ip", MoqLiveRelay.Exec(streamer, moqliveDll,
            "publish", relay.MoqtUrl, "--channel", channel, "--media", "-", "--title", "testbed", "--cert-hash", relay.CertificateHash), time, standardInput: true);
        var publisher = new MoqLivePublisher(process, encoder.Media);
        try
        {
            await process.WaitForOutputAsync("Publishing channel live/" + channel, StartupLimit, cancellationToken).ConfigureAwait(false);
            return publisher;
        }
        catch
        {
            await publisher.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _process.DisposeAsync().ConfigureAwait(false);
        await _pump.ConfigureAwait(false);
        _stop.Dispose();
    }
}
