using System.Threading.Channels;

namespace MoqLive.Transport.InMemory;

/// <summary>One end of an in-memory session pair; create pairs with <see cref="InMemorySessionPair.Create"/>.</summary>
public sealed class InMemorySession : ITransportSession
{
    private readonly InMemoryConnection _connection;
    private readonly InMemorySessionOptions _options;
    private readonly TaskCompletionSource<TransportCloseInfo> _closed =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Streams the peer opened and we have not accepted yet; bounded by the peer's stream limits.
    private readonly Queue<InMemoryBidirectionalStream> _incomingBidirectional = new();
    private readonly Queue<InMemoryReceiveStream> _incomingUnidirectional = new();
    private readonly AsyncSignal _incomingBidirectionalSignal = new();
    private readonly AsyncSignal _incomingUnidirectionalSignal = new();

    // Streams we opened that still hold stream-limit credit (RFC 9000 §4.6).
    private readonly AsyncSignal _bidirectionalCredit = new();
    private readonly AsyncSignal _unidirectionalCredit = new();
    private int _openBidirectional;
    private int _openUnidirectional;
    private long _nextBidirectionalIndex;
    private long _nextUnidirectionalIndex;

    private readonly Channel<byte[]> _datagrams;
    private int _datagramsInFlight;

    internal InMemorySession(InMemoryConnection connection, bool isClient)
    {
        _connection = connection;
        _options = connection.Options;
        IsClient = isClient;
        // Wait mode + TryWrite: a full queue makes TryWrite return false, which is how SendDatagram reports the drop.
        _datagrams = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(_options.DatagramQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = false,
            SingleReader = false,
        });
    }

    /// <summary>True for the session that plays the QUIC client (its streams have even IDs).</summary>
    public bool IsClient { get; }

    /// <inheritdoc/>
    public string? Protocol => _options.Protocol;

    /// <inheritdoc/>
    public int MaxDatagramSize => _options.MaxDatagramSize;

    /// <inheritdoc/>
    public Task<TransportCloseInfo> Closed => _closed.Task;

    /// <summary>How this session ended, or null while open. Guarded by the connection lock.</summary>
    internal TransportCloseInfo? CloseInfo { get; set; }

    /// <summary>Streams of the pair not yet finished in every direction (for leak checks in tests).</summary>
    internal int LiveStreamCount => _connection.LiveStreamCount;

    private object Sync => _connection.Sync;

    private InMemorySession Peer => _connection.PeerOf(this);

    /// <inheritdoc/>
    public async ValueTask<ITransportStream> OpenBidirectionalStreamAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        while (true)
        {
            Task wait;
            lock (Sync)
            {
                ThrowIfClosed();
                if (_openBidirectional < _options.MaxBidirectionalStreams)
                {
                    _openBidirectional++;
                    // RFC 9000 §2.1: bit 0x1 is the initiator (server), bit 0x2 marks unidirectional streams.
                    long id = (_nextBidirectionalIndex++ << 2) | (IsClient ? 0L : 1L);
                    InMemorySession peer = Peer;
                    var state = new InMemoryStreamState(_connection, this, id, bidirectional: true);
                    var outbound = new StreamPipe(state, this, peer, _connection);
                    var inbound = new StreamPipe(state, peer, this, _connection);
                    state.SetPipes(outbound, inbound);
                    _connection.Register(state);
                    var remote = new InMemoryBidirectionalStream(inbound, outbound);
                    _connection.LinkFrom(this).Send(() => peer.OnStreamArrived(remote));
                    return new InMemoryBidirectionalStream(outbound, inbound);
                }

                wait = _bidirectionalCredit.WaitAsync();
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<ITransportSendStream> OpenUnidirectionalStreamAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        while (true)
        {
            Task wait;
            lock (Sync)
            {
                ThrowIfClosed();
                if (_openUnidirectional < _options.MaxUnidirectionalStreams)
                {
                    _openUnidirectional++;
                    long id = (_nextUnidirectionalIndex++ << 2) | 0x2L | (IsClient ? 0L : 1L);
                    InMemorySession peer = Peer;
                    var state = new InMemoryStreamState(_connection, this, id, bidirectional: false);
                    var pipe = new StreamPipe(state, this, peer, _connection);
                    state.SetPipes(pipe);
                    _connection.Register(state);
                    var remote = new InMemoryReceiveStream(pipe);
                    _connection.LinkFrom(this).Send(() => peer.OnStreamArrived(remote));
                    return new InMemorySendStream(pipe);
                }

                wait = _unidirectionalCredit.WaitAsync();
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<ITransportStream> AcceptBidirectionalStreamAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        while (true)
        {
            Task wait;
            lock (Sync)
            {
                ThrowIfClosed();
                if (_incomingBidirectional.TryDequeue(out InMemoryBidirectionalStream? stream))
                {
                    stream.State.OnAccepted();
                    return stream;
                }

                wait = _incomingBidirectionalSignal.WaitAsync();
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<ITransportReceiveStream> AcceptUnidirectionalStreamAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        while (true)
        {
            Task wait;
            lock (Sync)
            {
                ThrowIfClosed();
                if (_incomingUnidirectional.TryDequeue(out InMemoryReceiveStream? stream))
                {
                    stream.State.OnAccepted();
                    return stream;
                }

                wait = _incomingUnidirectionalSignal.WaitAsync();
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public bool SendDatagram(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxDatagramSize || MaxDatagramSize == 0)
        {
            lock (Sync)
                ThrowIfClosed();
            throw new ArgumentOutOfRangeException(nameof(payload), payload.Length,
                $"The datagram is longer than MaxDatagramSize ({MaxDatagramSize} bytes).");
        }

        byte[] copy = payload.ToArray();
        lock (Sync)
        {
            ThrowIfClosed();
            InMemorySession peer = Peer;
            InMemoryLink link = _connection.LinkFrom(this);
            if (!link.IsDelayed)
                return peer._datagrams.Writer.TryWrite(copy);

            // Datagrams in flight count against the capacity too, so the link's queue stays bounded.
            if (_datagramsInFlight >= _options.DatagramQueueCapacity)
                return false;
            _datagramsInFlight++;
            link.Send(() =>
            {
                _datagramsInFlight--;
                if (peer.CloseInfo is null)
                    peer._datagrams.Writer.TryWrite(copy);
            });
            return true;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<ReadOnlyMemory<byte>> ReceiveDatagramAsync(CancellationToken cancellationToken = default)
    {
        lock (Sync)
            ThrowIfClosed();
        try
        {
            return await _datagrams.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            lock (Sync)
                throw new TransportSessionClosedException(CloseInfo!);
        }
    }

    /// <inheritdoc/>
    public ValueTask CloseAsync(ulong errorCode, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        _connection.Close(this, errorCode, reason);
        return ValueTask.CompletedTask;
    }

    /// <summary>Closes the session with error code 0 and an empty reason unless it is already closed.</summary>
    public ValueTask DisposeAsync() => CloseAsync(0, string.Empty);

    /// <summary>Caller holds the lock.</summary>
    internal void ReleaseStreamCredit(bool bidirectional)
    {
        if (bidirectional)
        {
            _openBidirectional--;
            _bidirectionalCredit.Set();
        }
        else
        {
            _openUnidirectional--;
            _unidirectionalCredit.Set();
        }
    }

    /// <summary>Caller holds the lock: the peer's new stream reached us.</summary>
    private void OnStreamArrived(InMemoryBidirectionalStream stream)
    {
        if (CloseInfo is not null)
            return;
        _incomingBidirectional.Enqueue(stream);
        _incomingBidirectionalSignal.Set();
    }

    /// <summary>Caller holds the lock: the peer's new stream reached us.</summary>
    private void OnStreamArrived(InMemoryReceiveStream stream)
    {
        if (CloseInfo is not null)
            return;
        _incomingUnidirectional.Enqueue(stream);
        _incomingUnidirectionalSignal.Set();
    }

    /// <summary>Caller holds the lock and has set <see cref="CloseInfo"/>.</summary>
    internal void OnClosed()
    {
        _incomingBidirectional.Clear();
        _incomingUnidirectional.Clear();
        _incomingBidirectionalSignal.Set();
        _incomingUnidirectionalSignal.Set();
        _bidirectionalCredit.Set();
        _unidirectionalCredit.Set();
        _datagrams.Writer.TryComplete();
        _closed.TrySetResult(CloseInfo!);
    }

    private void ThrowIfClosed()
    {
        if (CloseInfo is { } closeInfo)
            throw new TransportSessionClosedException(closeInfo);
    }
}
