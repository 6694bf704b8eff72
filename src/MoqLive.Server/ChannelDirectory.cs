using MoqLive.Moqt.Model;
using MoqLive.Relay;

namespace MoqLive.Server;

/// <summary>
/// The channels currently published to the relay (for <c>/api/channels</c>): namespaces of the form
/// <c>["live", NAME]</c> (docs/media-format.md), not their chat namespaces or anything else. Kept up to date through
/// the relay's own SUBSCRIBE_NAMESPACE for the empty prefix, so the relay needs no extra query API.
/// </summary>
public sealed class ChannelDirectory : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TrackNamespace, int> _active = [];
    private readonly CancellationTokenSource _cts = new();
    private NamespaceConsumer? _consumer;
    private Task _loop = Task.CompletedTask;

    /// <summary>Starts following <paramref name="relay"/>'s namespaces.</summary>
    public async Task StartAsync(MoqtRelay relay, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relay);
        SubscribeNamespaceResult result = await relay.SubscribeNamespaceAsync(TrackNamespace.Empty, cancellationToken).ConfigureAwait(false);
        _consumer = result.GetValueOrThrow();
        _loop = Task.Run(FollowAsync, CancellationToken.None);
    }

    /// <summary>True for a channel namespace, <c>["live", NAME]</c>.</summary>
    public static bool IsChannel(TrackNamespace ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return ns.Count == 2 && ns[0].Span.SequenceEqual("live"u8);
    }

    /// <summary>The channel namespaces published right now, in a stable order.</summary>
    public IReadOnlyList<TrackNamespace> Snapshot()
    {
        lock (_lock)
            return [.. _active.Keys.OrderBy(n => n.ToString(), StringComparer.Ordinal)];
    }

    /// <summary>Completes once the directory reflects at least the events delivered so far (tests).</summary>
    internal Task Follow => _loop;

    private async Task FollowAsync()
    {
        try
        {
            while (await _consumer!.NextAsync(_cts.Token).ConfigureAwait(false) is { } change)
            {
                if (!IsChannel(change.Namespace))
                    continue;
                lock (_lock)
                {
                    if (change.Active)
                        _active[change.Namespace] = 1;
                    else
                        _active.Remove(change.Namespace);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync().ConfigureAwait(false);
        _consumer?.Dispose();
        await _loop.ConfigureAwait(false);
        _cts.Dispose();
    }
}
