using MoqLive.Quic.Internal;
using MoqLive.Quic.Streams;
using MoqLive.Transport;

namespace MoqLive.Quic;

/// <summary>Opening and accepting streams.</summary>
public sealed partial class QuicConnection
{
    private readonly Dictionary<StreamId, QuicStream> _streams = new();
    private readonly Queue<QuicStream>[] _incoming = [new(), new()];
    private readonly AsyncSignal[] _acceptSignal = [new(), new()];
    private readonly AsyncSignal[] _openSignal = [new(), new()];
    private readonly AsyncSignal _datagramSignal = new();

    /// <summary>
    /// Opens a stream, waiting while the peer's stream limit is reached. The peer learns of it with its first data.
    /// </summary>
    public async ValueTask<QuicStream> OpenOutboundStreamAsync(QuicStreamType type, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var direction = type == QuicStreamType.Bidirectional ? StreamDirection.Bidirectional : StreamDirection.Unidirectional;
        while (true)
        {
            Task wait;
            lock (Sync)
            {
                ThrowIfClosedLocked();
                if (_core.OpenStream(direction, StreamPriority.Default) is { } id)
                {
                    var stream = new QuicStream(this, id, inbound: false);
                    _streams[id] = stream;
                    ProcessLocked(); // STREAMS_BLOCKED may be owed
                    return stream;
                }

                wait = _openSignal[(int)direction].WaitAsync();
                ProcessLocked();
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the next stream the peer opened, of either type.</summary>
    public ValueTask<QuicStream> AcceptInboundStreamAsync(CancellationToken cancellationToken = default) =>
        AcceptStreamAsync(null, cancellationToken);

    /// <summary>Waits for the next stream of <paramref name="type"/> the peer opened.</summary>
    public ValueTask<QuicStream> AcceptInboundStreamAsync(QuicStreamType type, CancellationToken cancellationToken = default) =>
        AcceptStreamAsync(type == QuicStreamType.Bidirectional ? StreamDirection.Bidirectional : StreamDirection.Unidirectional, cancellationToken);

    private async ValueTask<QuicStream> AcceptStreamAsync(StreamDirection? direction, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        while (true)
        {
            Task wait;
            lock (Sync)
            {
                ThrowIfClosedLocked();
                for (int d = 0; d < 2; d++)
                {
                    if (direction is { } only && (int)only != d) continue;
                    if (_incoming[d].TryDequeue(out var stream)) return stream;
                }

                wait = direction is { } dir
                    ? _acceptSignal[(int)dir].WaitAsync()
                    : Task.WhenAny(_acceptSignal[0].WaitAsync(), _acceptSignal[1].WaitAsync());
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal void ForgetStreamLocked(StreamId id) => _streams.Remove(id);
}
