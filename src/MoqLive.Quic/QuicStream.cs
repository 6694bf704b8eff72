using System.Runtime.CompilerServices;
using MoqLive.Quic.Internal;
using MoqLive.Quic.Streams;
using MoqLive.Transport;

namespace MoqLive.Quic;

/// <summary>
/// A QUIC stream (the shape of System.Net.Quic's <c>QuicStream</c>): <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>
/// waits for data, <see cref="WriteAsync(ReadOnlyMemory{byte}, bool, CancellationToken)"/> waits for flow-control
/// credit and send-buffer space. The <see cref="Stream"/> overrides are in QuicStream.Stream.cs.
/// </summary>
/// <remarks>
/// Failures are <see cref="QuicException"/>s: <see cref="QuicError.StreamAborted"/> with the peer's code when it reset
/// the stream (reads) or sent STOP_SENDING (writes), and the connection's error once it is closed. One reader and one
/// writer at a time. All state is guarded by the connection's lock.
/// </remarks>
public sealed partial class QuicStream
{
    private readonly QuicConnection _connection;
    private readonly StreamId _id;
    private readonly ReadWaiter _readWaiter = new();
    private readonly AsyncSignal _writeSignal = new();
    private readonly TaskCompletionSource _readsClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _writesClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private StreamPriority _priority;
    private bool _finRead;
    private bool _readAborted;
    private ulong? _peerResetCode;
    private bool _finWritten;
    private bool _writeAborted;
    private ulong? _peerStopCode;

    internal QuicStream(QuicConnection connection, StreamId id, bool inbound)
    {
        _connection = connection;
        _id = id;
        Type = id.Direction == StreamDirection.Bidirectional ? QuicStreamType.Bidirectional : QuicStreamType.Unidirectional;
        CanRead = Type == QuicStreamType.Bidirectional || inbound;
        CanWrite = Type == QuicStreamType.Bidirectional || !inbound;
        if (!CanRead) _readsClosed.TrySetResult();
        if (!CanWrite) _writesClosed.TrySetResult();
        Observe(_readsClosed.Task);
        Observe(_writesClosed.Task);
    }

    /// <summary>The QUIC stream ID (RFC 9000 §2.1).</summary>
    public long Id => (long)_id.Value;

    /// <summary>Unidirectional or bidirectional.</summary>
    public QuicStreamType Type { get; }

    /// <summary>
    /// Completes when the receive side is done: at FIN once read or after <see cref="Abort"/> (read), faulted with
    /// <see cref="QuicException"/> when the peer reset the stream or the connection closed first.
    /// </summary>
    public Task ReadsClosed => _readsClosed.Task;

    /// <summary>
    /// Completes when the send side is done: all data and FIN acknowledged or reset by us; faulted with
    /// <see cref="QuicException"/> when the peer sent STOP_SENDING or the connection closed first.
    /// </summary>
    public Task WritesClosed => _writesClosed.Task;

    /// <summary>Send priority among the connection's streams (lower urgency first); applies to data not yet sent.</summary>
    public StreamPriority Priority
    {
        get
        {
            lock (_connection.Sync) return _priority;
        }
        set
        {
            lock (_connection.Sync)
            {
                _priority = value;
                if (!CanWrite || _writeAborted || _connection.CloseExceptionLocked is not null) return;
                if (_connection.Core.Streams.FindSend(_id) is null) return; // already finished
                _connection.Core.SetStreamPriority(_id, value);
            }
        }
    }

    /// <summary>Reads data in order; 0 at the end of the stream. An empty buffer waits for data (or FIN) and returns 0.</summary>
    /// <remarks>Waiting allocates nothing: the wait is the stream's reusable <see cref="ReadWaiter"/> and this method's state machine is pooled.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!CanRead) throw new InvalidOperationException("This stream is send-only.");
        cancellationToken.ThrowIfCancellationRequested();
        while (true)
        {
            ValueTask wait;
            lock (_connection.Sync)
            {
                if (_finRead) return 0;
                if (_readAborted) throw new InvalidOperationException("Reading was aborted on this stream.");
                if (_peerResetCode is { } code) throw StreamAborted(code, reset: true);
                if (_connection.CloseExceptionLocked is { } closed) throw closed;
                var core = _connection.Core;
                if (buffer.IsEmpty)
                {
                    if (core.Streams.FindRecv(_id) is not { IsReadable: false }) return 0;
                }
                else
                {
                    int n;
                    bool fin;
                    try
                    {
                        n = core.ReadStream(_id, buffer.Span, out fin);
                    }
                    catch (StreamResetException e)
                    {
                        OnPeerResetLocked(e.ErrorCode);
                        throw StreamAborted(e.ErrorCode, reset: true);
                    }

                    if (fin)
                    {
                        _finRead = true;
                        _readsClosed.TrySetResult();
                        ForgetIfDoneLocked();
                    }

                    if (n > 0 || fin)
                    {
                        _connection.ProcessLocked(); // window updates (MAX_STREAM_DATA, MAX_DATA, MAX_STREAMS)
                        return n;
                    }
                }

                wait = _readWaiter.Arm(cancellationToken);
            }

            await wait.ConfigureAwait(false);
        }
    }

    /// <summary>Writes data, waiting for credit as needed; with <paramref name="completeWrites"/> FIN follows the data.</summary>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, bool completeWrites, CancellationToken cancellationToken = default) =>
        WriteCoreAsync(buffer, null, completeWrites, cancellationToken);

    /// <summary>
    /// Writes <paramref name="prefix"/> (copied) followed by <paramref name="payload"/>, which the stream references
    /// instead of copying: it takes its own reference and releases it once those bytes are acknowledged, the stream is
    /// reset or the connection closes. The caller keeps its reference (it must hold one during the call).
    /// </summary>
    /// <exception cref="ObjectDisposedException"><paramref name="payload"/> was already released by its last holder.</exception>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> prefix, ISharedBuffer payload, bool completeWrites, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return WriteCoreAsync(prefix, payload, completeWrites, cancellationToken);
    }

    private async ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, ISharedBuffer? shared, bool completeWrites, CancellationToken cancellationToken)
    {
        if (!CanWrite) throw new InvalidOperationException("This stream is receive-only.");
        cancellationToken.ThrowIfCancellationRequested();
        int total = buffer.Length + (shared?.Memory.Length ?? 0);
        int offset = 0;
        while (true)
        {
            Task wait;
            lock (_connection.Sync)
            {
                ThrowIfNotWritableLocked();
                var core = _connection.Core;
                int written = 0;
                try
                {
                    while (offset < total)
                    {
                        int n = offset < buffer.Length
                            ? core.WriteStream(_id, buffer.Span[offset..])
                            : core.WriteStreamShared(_id, shared!, offset - buffer.Length, total - offset);
                        if (n == 0) break;
                        offset += n;
                        written += n;
                    }
                }
                catch (StreamStoppedException e)
                {
                    OnStoppedLocked(e.ErrorCode);
                    throw StreamAborted(e.ErrorCode, reset: false);
                }

                if (offset == total)
                {
                    if (completeWrites)
                    {
                        core.FinishStream(_id);
                        _finWritten = true;
                    }

                    _connection.ProcessLocked();
                    return;
                }

                if (written > 0) _connection.ProcessLocked();
                wait = _writeSignal.WaitAsync();
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Finishes the send side (FIN) after the data written so far. Idempotent; a no-op after an abort.</summary>
    public void CompleteWrites()
    {
        if (!CanWrite) return;
        lock (_connection.Sync)
        {
            if (_finWritten || _writeAborted) return;
            ThrowIfNotWritableLocked();
            try
            {
                _connection.Core.FinishStream(_id);
            }
            catch (StreamStoppedException e)
            {
                OnStoppedLocked(e.ErrorCode);
                throw StreamAborted(e.ErrorCode, reset: false);
            }

            _finWritten = true;
            _connection.ProcessLocked();
        }
    }

    /// <summary>
    /// Abandons reading (STOP_SENDING), writing (RESET_STREAM) or both with an application error code. Idempotent; a
    /// no-op for a side that is already done or once the connection is closed.
    /// </summary>
    public void Abort(QuicAbortDirection abortDirection, long errorCode)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(errorCode);
        lock (_connection.Sync)
        {
            bool closed = _connection.CloseExceptionLocked is not null;
            if ((abortDirection & QuicAbortDirection.Read) != 0 && CanRead && !_readAborted && !_finRead && _peerResetCode is null)
            {
                _readAborted = true;
                if (!closed) _connection.Core.StopStream(_id, (ulong)errorCode);
                _readsClosed.TrySetResult();
                _readWaiter.SetLocked();
            }

            if ((abortDirection & QuicAbortDirection.Write) != 0 && CanWrite && !_writeAborted && !_finWritten && _peerStopCode is null)
            {
                _writeAborted = true;
                if (!closed) _connection.Core.ResetStream(_id, (ulong)errorCode);
                _writesClosed.TrySetResult();
                _writeSignal.Set();
            }

            ForgetIfDoneLocked();
            if (!closed) _connection.ProcessLocked();
        }
    }

    internal void OnReadableLocked()
    {
        // A reset is reported through Readable: surface it on ReadsClosed even if nobody reads.
        if (_connection.Core.Streams.FindRecv(_id) is { ResetErrorCode: { } code } && !_finRead && !_readAborted)
            _readsClosed.TrySetException(StreamAborted(code, reset: true));
        _connection.WakeReaderLocked(_readWaiter);
    }

    internal void OnWritableLocked() => _writeSignal.Set();

    internal void OnSendFinishedLocked()
    {
        _writesClosed.TrySetResult();
        ForgetIfDoneLocked();
    }

    internal void OnStoppedLocked(ulong errorCode)
    {
        _peerStopCode ??= errorCode;
        _writesClosed.TrySetException(StreamAborted(errorCode, reset: false));
        _writeSignal.Set();
        ForgetIfDoneLocked();
    }

    internal void OnConnectionClosedLocked(QuicException error)
    {
        _readsClosed.TrySetException(error);
        _writesClosed.TrySetException(error);
        _readWaiter.SetLocked();
        _writeSignal.Set();
    }

    private void OnPeerResetLocked(ulong code)
    {
        _peerResetCode ??= code;
        _readsClosed.TrySetException(StreamAborted(code, reset: true));
        ForgetIfDoneLocked();
    }

    private void ThrowIfNotWritableLocked()
    {
        if (_peerStopCode is { } code) throw StreamAborted(code, reset: false);
        if (_connection.CloseExceptionLocked is { } closed) throw closed;
        if (_finWritten) throw new InvalidOperationException("Writes were already completed on this stream.");
        if (_writeAborted) throw new InvalidOperationException("Writing was aborted on this stream.");
    }

    private void ForgetIfDoneLocked()
    {
        if (_readsClosed.Task.IsCompleted && _writesClosed.Task.IsCompleted) _connection.ForgetStreamLocked(_id);
    }

    private static QuicException StreamAborted(ulong code, bool reset) =>
        new(QuicError.StreamAborted, (long)code,
            reset ? $"The peer reset the stream with error code 0x{code:x}." : $"The peer stopped reading the stream with error code 0x{code:x}.");

    private static void Observe(Task task) =>
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}
