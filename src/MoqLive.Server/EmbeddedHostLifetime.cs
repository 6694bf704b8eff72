using Microsoft.Extensions.Hosting;

namespace MoqLive.Server;

/// <summary>
/// The HTTPS site's host lifetime: it neither listens for Ctrl+C/SIGTERM nor holds up start. The default
/// ConsoleLifetime would swallow those signals to stop only Kestrel; the process (the CLI) owns them and stops the
/// whole <see cref="MoqLiveServer"/>.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
