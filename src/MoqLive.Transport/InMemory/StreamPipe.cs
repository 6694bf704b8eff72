namespace MoqLive.Transport.InMemory;

/// <summary>
/// One direction of an in-memory stream, from a sending session to a receiving one, with the QUIC send and
/// receive state that matters to the application (RFC 9000 §3): data, FIN, RESET_STREAM and STOP_SENDING.
/// </summary>
/// <remarks>
/// <para>
/// All state is guarded by the connection lock. The sender's half (offsets, credit, FIN/reset sent, STOP_SENDING
/// received) and the receiver's half (buffer, FIN/reset received, STOP_SENDING sent) are kept apart, and each
/// side learns of the other's actions only through the <see cref="InMemoryLink"/> between them, so with a
/// simulated delay they arrive late, in order, as frames would.
/// </para>
/// <para>
/// Flow control (RFC 9000 §4.1): the sender may send up to the receiver's consumed offset plus
/// <see cref="InMemorySessionOptions.StreamReceiveWindow"/>, so the receive buffer never holds more than a window
/// and a writer waits while the reader does not read. Bytes that arrived count as acknowledged, so
/// <see cref="ITransportSendStream.WritesClosed"/> completes when FIN arrives and <see cref="Reset"/> after FIN
/// is a no-op.
/// </para>
/// </remarks>
internal sealed class StreamPipe
{
    private readonly InMemoryStreamState _stream;
    private readonly InMemorySession _sender;
    private readonly InMemorySession _receiver;
    private readonly InMemoryLink _forward;
    private readonly InMemoryLink _backward;
    private readonly int _window;
    private readonly TaskCompletionSource _writesClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _readsClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Sender's half.
    private readonly AsyncSignal _writable = new();
    private long _sentOffset;
    private long _maxOffset;
    private bool _finSent;
    private ulong? _resetSent;
    private ulong? _stopReceived;
    private StreamPriority _priority;

    // Receiver's half.
    private readonly Queue<byte[]> _chunks = new();
    private readonly AsyncSignal _readable = new();
    private int _headOffset;
    private int _buffered;
    private long _consumed;
    private bool _finReceived;
    private ulong? _resetReceived;
    private ulong? _stopSent;
    private bool _creditUpdatePending;

    public StreamPipe(InMemoryStreamState stream, InMemorySession sender, InMemorySession receiver, InMemoryConnection connection)
    {
        _stream = stream;
        _sender = sender;
        _receiver = receiver;
        _forward = connection.LinkFrom(sender);
        _backward = connection.LinkFrom(receiver);
        _window = connection.Options.StreamReceiveWindow;
        _maxOffset = _window;
    }

    public long Id => _stream.Id;

    public InMemoryStreamState State => _stream;

    /// <summary>True once the receiver is done with this direction: FIN read, reset received, or stopped.</summary>
    public bool IsReceiveDone { get; private set; }

    /// <summary>True once the sender's side is settled (<see cref="WritesClosed"/> completed).</summary>
    public bool IsSendDone => _writesClosed.Task.IsCompleted;

    public Task WritesClosed => _writesClosed.Task;

    /// <summary>Whether <paramref name="session"/>'s half of this direction is done.</summary>
    public bool IsDoneFor(InMemorySession session) => ReferenceEquals(session, _sender) ? IsSendDone : IsReceiveDone;

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
                if (!data.IsEmpty && _sentOffset < _maxOffset)
                {
                    int count = (int)Math.Min(_maxOffset - _sentOffset, data.Length);
                    byte[] chunk = data[..count].ToArray();
                    _sentOffset += count;
                    data = data[count..];
                    _forward.Send(() => OnDataArrived(chunk));
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
            if (_finSent || _resetSent is not null)
                return;
            if (_sender.CloseInfo is { } closeInfo)
                throw new TransportSessionClosedException(closeInfo);
            if (_stopReceived is { } stopCode)
                throw new TransportStreamAbortedException(stopCode, peerStoppedSending: true);
            FinishLocked();
        }
    }

    public void Reset(ulong errorCode)
    {
        lock (Sync)
        {
            if (_sender.CloseInfo is not null || _finSent || _resetSent is not null || _stopReceived is not null)
                return;

            _resetSent = errorCode;
            _writesClosed.TrySetResult();
            _writable.Set();
            _forward.Send(() => OnResetArrived(errorCode));
            _stream.Update();
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
                if (_resetReceived is { } resetCode)
                    throw new TransportStreamAbortedException(resetCode, peerStoppedSending: false);
                if (_stopSent is not null)
                    throw new InvalidOperationException("Reading was stopped on this stream (Stop was called).");

                if (_buffered > 0)
                    return buffer.IsEmpty ? 0 : CopyOut(buffer.Span);
                if (_finReceived)
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
            if (_receiver.CloseInfo is not null || IsReceiveDone)
                return;

            // RFC 9000 §3.5: data not yet read is discarded; the sender answers with RESET_STREAM.
            _stopSent = errorCode;
            DropBuffer();
            _readsClosed.TrySetResult();
            _readable.Set();
            _backward.Send(() => OnStopArrived(errorCode));
            UpdateReceiveDone();
        }
    }

    /// <summary>Dispose of the send side: resets with code 0 unless finished (see the stream interfaces).</summary>
    public void AbandonSend() => Reset(0);

    /// <summary>Dispose of the receive side: stops with code 0 unless everything was read.</summary>
    public void AbandonReceive() => Stop(0);

    /// <summary>Caller holds the lock: <paramref name="session"/> just closed; fail its half of this direction.</summary>
    public void OnSessionClosed(InMemorySession session)
    {
        if (ReferenceEquals(session, _sender))
        {
            Fault(_writesClosed, new TransportSessionClosedException(_sender.CloseInfo!));
            _writable.Set();
        }

        if (ReferenceEquals(session, _receiver))
        {
            IsReceiveDone = true;
            DropBuffer();
            Fault(_readsClosed, new TransportSessionClosedException(_receiver.CloseInfo!));
            _readable.Set();
        }
    }

    private void ThrowIfCannotWrite()
    {
        if (_sender.CloseInfo is { } closeInfo)
            throw new TransportSessionClosedException(closeInfo);
        if (_finSent)
            throw new InvalidOperationException("The send side of this stream is already finished (FIN).");
        if (_resetSent is not null)
            throw new InvalidOperationException("The send side of this stream was reset.");
        if (_stopReceived is { } stopCode)
            throw new TransportStreamAbortedException(stopCode, peerStoppedSending: true);
    }

    private void FinishLocked()
    {
        _finSent = true;
        _forward.Send(OnFinArrived);
    }

    // Receiver: STREAM frame with data.
    private void OnDataArrived(byte[] chunk)
    {
        if (_receiver.CloseInfo is not null || _resetReceived is not null || _stopSent is not null)
            return;
        _chunks.Enqueue(chunk);
        _buffered += chunk.Length;
        _readable.Set();
    }

    // Receiver: STREAM frame with FIN. Everything sent has arrived, so the sender's side is done too.
    private void OnFinArrived()
    {
        if (_receiver.CloseInfo is not null || _resetReceived is not null || _stopSent is not null)
            return;
        _finReceived = true;
        _writesClosed.TrySetResult();
        _readable.Set();
        UpdateReceiveDone();
        _stream.Update();
    }

    // Receiver: RESET_STREAM. RFC 9000 §3.2: data not yet read may be discarded.
    private void OnResetArrived(ulong errorCode)
    {
        if (_receiver.CloseInfo is not null || IsReceiveDone)
            return;
        _resetReceived = errorCode;
        DropBuffer();
        Fault(_readsClosed, new TransportStreamAbortedException(errorCode, peerStoppedSending: false));
        _readable.Set();
        UpdateReceiveDone();
    }

    // Sender: STOP_SENDING. Ignored once FIN arrived (all data acknowledged) or we reset.
    private void OnStopArrived(ulong errorCode)
    {
        if (_sender.CloseInfo is not null || _resetSent is not null || _writesClosed.Task.IsCompleted)
            return;
        _stopReceived = errorCode;
        Fault(_writesClosed, new TransportStreamAbortedException(errorCode, peerStoppedSending: true));
        _writable.Set();
        _stream.Update();
    }

    // Sender: MAX_STREAM_DATA. Sent at most once per flight; it carries the consumed offset at arrival.
    private void OnCreditArrived()
    {
        _creditUpdatePending = false;
        if (_sender.CloseInfo is not null)
            return;
        _maxOffset = Math.Max(_maxOffset, _consumed + _window);
        _writable.Set();
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
        _consumed += copied;
        if (!_creditUpdatePending && !_finReceived)
        {
            _creditUpdatePending = true;
            _backward.Send(OnCreditArrived);
        }

        UpdateReceiveDone();
        return copied;
    }

    private void DropBuffer()
    {
        _chunks.Clear();
        _headOffset = 0;
        _buffered = 0;
    }

    private void UpdateReceiveDone()
    {
        if (IsReceiveDone)
            return;
        bool allRead = _finReceived && _buffered == 0;
        if (!allRead && _resetReceived is null && _stopSent is null)
            return;

        IsReceiveDone = true;
        if (allRead)
            _readsClosed.TrySetResult();
        _stream.Update();
    }

    private static void Fault(TaskCompletionSource source, Exception exception)
    {
        // Observe the exception so an unawaited WritesClosed/ReadsClosed does not raise UnobservedTaskException.
        if (source.TrySetException(exception))
            _ = source.Task.Exception;
    }
}
