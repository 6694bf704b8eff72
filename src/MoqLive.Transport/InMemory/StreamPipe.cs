namespace MoqLive.Transport.InMemory;

/// <summary>
/// One direction of an in-memory stream: a bounded byte buffer from a sending session to a receiving one, with
/// the QUIC send/receive state that matters to the application (RFC 9000 §3): FIN, RESET_STREAM, STOP_SENDING.
/// </summary>
/// <remarks>
/// All state is guarded by the connection lock. Data written is copied into the buffer, which holds at most
/// <see cref="InMemorySessionOptions.StreamReceiveWindow"/> bytes: that is the flow-control window, so a writer
/// waits while the reader does not read. Bytes in the buffer count as delivered (acknowledged), which is why
/// <see cref="Reset"/> after FIN is a no-op and <see cref="ITransportSendStream.WritesClosed"/> completes at FIN.
/// </remarks>
internal sealed class StreamPipe
{
    private readonly InMemoryStreamState _stream;
    private readonly InMemorySession _sender;
    private readonly InMemorySession _receiver;
    private readonly int _window;
    private readonly Queue<byte[]> _chunks = new();
    private readonly AsyncSignal _readable = new();
    private readonly AsyncSignal _writable = new();
    private readonly TaskCompletionSource _writesClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _readsClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _headOffset;
    private int _buffered;
    private bool _fin;
    private ulong? _resetCode;
    private ulong? _stopCode;
    private StreamPriority _priority;

    public StreamPipe(InMemoryStreamState stream, InMemorySession sender, InMemorySession receiver, int window)
    {
        _stream = stream;
        _sender = sender;
        _receiver = receiver;
        _window = window;
    }

    public long Id => _stream.Id;

    public InMemoryStreamState State => _stream;

    /// <summary>True once this direction is finished for stream-limit purposes: FIN read, reset, stopped or closed.</summary>
    public bool IsTerminal { get; private set; }

    public Task WritesClosed => _writesClosed.Task;

    public Task ReadsClosed => _readsClosed.Task;

    private object Sync => _stream.Sync;

    public StreamPriority Priority
    {
        get
        {
            lock (Sync)
                return _priority;
        }
        set
        {
            lock (Sync)
                _priority = value;
        }
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, bool endStream, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        while (true)
        {
            Task wait;
            lock (Sync)
            {
                ThrowIfCannotWrite();
                while (!data.IsEmpty && _buffered < _window)
                {
                    int count = Math.Min(_window - _buffered, data.Length);
                    _chunks.Enqueue(data[..count].ToArray());
                    _buffered += count;
                    data = data[count..];
                    _readable.Set();
                }

                if (data.IsEmpty)
                {
                    if (endStream)
                        FinishLocked();
                    return;
                }

                wait = _writable.WaitAsync();
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void CompleteWrites()
    {
        lock (Sync)
        {
            if (_fin || _resetCode is not null)
                return;
            if (_sender.CloseInfo is { } closeInfo)
                throw new TransportSessionClosedException(closeInfo);
            if (_stopCode is { } stopCode)
                throw new TransportStreamAbortedException(stopCode, peerStoppedSending: true);
            FinishLocked();
        }
    }

    public void Reset(ulong errorCode)
    {
        lock (Sync)
        {
            if (_sender.CloseInfo is not null || _fin || _resetCode is not null || _stopCode is not null)
                return;

            // RFC 9000 §3.2: on RESET_STREAM the receiver may discard data it has not yet delivered to the application.
            _resetCode = errorCode;
            DropBuffer();
            _writesClosed.TrySetResult();
            Fault(_readsClosed, new TransportStreamAbortedException(errorCode, peerStoppedSending: false));
            _readable.Set();
            _writable.Set();
            UpdateTerminal();
        }
    }

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        while (true)
        {
            Task wait;
            lock (Sync)
            {
                if (_receiver.CloseInfo is { } closeInfo)
                    throw new TransportSessionClosedException(closeInfo);
                if (_resetCode is { } resetCode)
                    throw new TransportStreamAbortedException(resetCode, peerStoppedSending: false);
                if (_stopCode is not null)
                    throw new InvalidOperationException("Reading was stopped on this stream (Stop was called).");

                if (_buffered > 0)
                    return buffer.IsEmpty ? 0 : CopyOut(buffer.Span);
                if (_fin)
                    return 0;

                wait = _readable.WaitAsync();
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Stop(ulong errorCode)
    {
        lock (Sync)
        {
            if (_receiver.CloseInfo is not null || IsTerminal)
                return;

            // RFC 9000 §3.5: the sender answers STOP_SENDING with RESET_STREAM; data not yet read is discarded.
            _stopCode = errorCode;
            DropBuffer();
            _readsClosed.TrySetResult();
            if (!_fin)
                Fault(_writesClosed, new TransportStreamAbortedException(errorCode, peerStoppedSending: true));
            _readable.Set();
            _writable.Set();
            UpdateTerminal();
        }
    }

    /// <summary>Dispose of the send side: resets with code 0 unless finished (see the stream interfaces).</summary>
    public void AbandonSend() => Reset(0);

    /// <summary>Dispose of the receive side: stops with code 0 unless everything was read.</summary>
    public void AbandonReceive() => Stop(0);

    /// <summary>Caller holds the lock.</summary>
    public void OnSessionClosed()
    {
        IsTerminal = true;
        DropBuffer();
        Fault(_writesClosed, new TransportSessionClosedException(_sender.CloseInfo!));
        Fault(_readsClosed, new TransportSessionClosedException(_receiver.CloseInfo!));
        _readable.Set();
        _writable.Set();
    }

    private void ThrowIfCannotWrite()
    {
        if (_sender.CloseInfo is { } closeInfo)
            throw new TransportSessionClosedException(closeInfo);
        if (_fin)
            throw new InvalidOperationException("The send side of this stream is already finished (FIN).");
        if (_resetCode is not null)
            throw new InvalidOperationException("The send side of this stream was reset.");
        if (_stopCode is { } stopCode)
            throw new TransportStreamAbortedException(stopCode, peerStoppedSending: true);
    }

    private void FinishLocked()
    {
        _fin = true;
        _writesClosed.TrySetResult();
        _readable.Set();
        UpdateTerminal();
    }

    private int CopyOut(Span<byte> destination)
    {
        int copied = 0;
        while (copied < destination.Length && _chunks.TryPeek(out byte[]? head))
        {
            int count = Math.Min(head.Length - _headOffset, destination.Length - copied);
            head.AsSpan(_headOffset, count).CopyTo(destination[copied..]);
            copied += count;
            _headOffset += count;
            if (_headOffset == head.Length)
            {
                _chunks.Dequeue();
                _headOffset = 0;
            }
        }

        _buffered -= copied;
        _writable.Set();
        UpdateTerminal();
        return copied;
    }

    private void DropBuffer()
    {
        _chunks.Clear();
        _headOffset = 0;
        _buffered = 0;
    }

    private void UpdateTerminal()
    {
        if (IsTerminal)
            return;
        bool allRead = _fin && _buffered == 0;
        if (!allRead && _resetCode is null && _stopCode is null)
            return;

        IsTerminal = true;
        if (allRead)
            _readsClosed.TrySetResult();
        _stream.OnPipeTerminal();
    }

    private static void Fault(TaskCompletionSource source, Exception exception)
    {
        // Observe the exception so an unawaited WritesClosed/ReadsClosed does not raise UnobservedTaskException.
        if (source.TrySetException(exception))
            _ = source.Task.Exception;
    }
}
