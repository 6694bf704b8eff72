using MoqLive.Transport;

namespace MoqLive.Quic.Streams;

/// <summary>Sending-part states (RFC 9000 §3.1).</summary>
public enum SendStreamState
{
    Ready,
    Send,
    DataSent,
    DataRecvd,
    ResetSent,
    ResetRecvd,
}

/// <summary>One range of stream data chosen for a STREAM frame.</summary>
internal readonly record struct StreamChunk(StreamId Id, ulong Offset, int Length, bool Fin);

/// <summary>
/// The sending part of a stream: buffered data, FIN, RESET_STREAM and the peer's MAX_STREAM_DATA (RFC 9000 §3.1, §4).
/// Sans-IO: the connection asks it for chunks to packetize and reports acknowledgements and losses back.
/// </summary>
internal sealed class SendStream
{
    private readonly SendBuffer _buffer = new();
    private bool _finRequested;
    private bool _finPending; // FIN must be (re)sent
    private bool _finAcked;
    private bool _resetPending;

    public SendStream(StreamId id, ulong initialMaxStreamData, StreamPriority priority)
    {
        Id = id;
        Credit = new SendCredit(initialMaxStreamData);
        Priority = priority;
    }

    public StreamId Id { get; }

    public SendStreamState State { get; private set; }

    public StreamPriority Priority { get; set; }

    /// <summary>Peer's MAX_STREAM_DATA and the highest offset we sent.</summary>
    public SendCredit Credit { get; }

    /// <summary>The application error code we reset with, once reset.</summary>
    public ulong? ResetErrorCode { get; private set; }

    /// <summary>The error code of a STOP_SENDING from the peer, once received.</summary>
    public ulong? StopSendingErrorCode { get; private set; }

    public ulong WriteOffset => _buffer.WriteOffset;

    public ulong Buffered => _buffer.Buffered;

    public bool IsFinishRequested => _finRequested;

    /// <summary>True when a RESET_STREAM frame must be (re)sent.</summary>
    public bool ResetPending => _resetPending;

    /// <summary>Final size for RESET_STREAM: all flow-control credit consumed (RFC 9000 §4.5).</summary>
    public ulong FinalSize => Credit.Used;

    /// <summary>True when the stream has STREAM data or a FIN to send (ignoring connection-level credit).</summary>
    public bool HasDataToSend =>
        State is SendStreamState.Ready or SendStreamState.Send or SendStreamState.DataSent
        && (_buffer.HasRetransmits || (_buffer.HasUnsent && _buffer.UnsentOffset < Credit.Max) || _finPending);

    /// <summary>True when lost data or a FIN is queued (sendable without new connection credit).</summary>
    public bool HasRetransmitsOrFin => _buffer.HasRetransmits || _finPending;

    /// <summary>True when new data is waiting only on the stream's own flow-control limit.</summary>
    public bool IsBlockedByStreamLimit => _buffer.HasUnsent && _buffer.UnsentOffset >= Credit.Max;

    /// <summary>True once the stream reached a terminal state and can be forgotten.</summary>
    public bool IsClosed => State is SendStreamState.DataRecvd or SendStreamState.ResetRecvd;

    /// <summary>
    /// Buffers application data. Returns the number of bytes accepted (0 when <paramref name="maxBuffer"/> is reached).
    /// Throws when the stream was finished or reset.
    /// </summary>
    public int Write(ReadOnlySpan<byte> data, ulong maxBuffer = ulong.MaxValue)
    {
        int n = Accept(data.Length, maxBuffer);
        _buffer.Write(data[..n]);
        OnWritten(n);
        return n;
    }

    /// <summary>
    /// As <see cref="Write"/>, for bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>)
    /// of a shared buffer, which is referenced instead of copied (<see cref="SendBuffer.WriteShared"/>).
    /// </summary>
    public int WriteShared(ISharedBuffer data, int offset, int length, ulong maxBuffer = ulong.MaxValue)
    {
        int n = Accept(length, maxBuffer);
        _buffer.WriteShared(data, offset, n);
        OnWritten(n);
        return n;
    }

    // How many of `length` bytes a write takes.
    private int Accept(int length, ulong maxBuffer)
    {
        if (_finRequested || ResetErrorCode.HasValue)
            throw new InvalidOperationException($"stream {Id} is closed for writing");
        ulong room = maxBuffer > _buffer.Buffered ? maxBuffer - _buffer.Buffered : 0;
        return (int)Math.Min((ulong)length, room);
    }

    // RFC 9000 §3.1: the sending part enters Send with its first byte of data.
    private void OnWritten(int n)
    {
        if (State == SendStreamState.Ready && n > 0) State = SendStreamState.Send;
    }

    /// <summary>
    /// The connection closed (RFC 9000 §10.2: nothing is sent on any stream again): returns the buffered arrays and
    /// releases the shared buffers now rather than leaving them to the GC.
    /// </summary>
    public void ReleaseBuffers() => _buffer.Clear();

    /// <summary>Finishes the stream after the data written so far (FIN).</summary>
    public void Finish()
    {
        if (ResetErrorCode.HasValue) throw new InvalidOperationException($"stream {Id} was reset");
        if (_finRequested) return;
        _finRequested = true;
        _finPending = true;
        if (State == SendStreamState.Ready) State = SendStreamState.Send;
    }

    /// <summary>
    /// Abandons the stream: drops all buffered data (cheap, nothing is retransmitted) and queues RESET_STREAM.
    /// Returns false (no-op) when the stream already finished delivering or was reset.
    /// </summary>
    public bool Reset(ulong errorCode)
    {
        if (State is SendStreamState.DataRecvd or SendStreamState.ResetSent or SendStreamState.ResetRecvd) return false;
        ResetErrorCode = errorCode;
        State = SendStreamState.ResetSent;
        _buffer.Clear();
        _finPending = false;
        _resetPending = true;
        return true;
    }

    /// <summary>
    /// STOP_SENDING from the peer (RFC 9000 §3.5): we reset with the peer's code. Returns true the first time.
    /// </summary>
    public bool OnStopSending(ulong errorCode)
    {
        if (StopSendingErrorCode.HasValue) return false;
        StopSendingErrorCode = errorCode;
        Reset(errorCode);
        return true;
    }

    /// <summary>MAX_STREAM_DATA from the peer.</summary>
    public bool OnMaxStreamData(ulong max) => Credit.Update(max);

    /// <summary>
    /// Chooses the next STREAM frame payload of at most <paramref name="maxLength"/> bytes. New data is also limited by
    /// <paramref name="connectionCredit"/>; the caller subtracts <paramref name="newBytes"/> from the connection credit.
    /// </summary>
    public bool TryPollChunk(int maxLength, ulong connectionCredit, out StreamChunk chunk, out ulong newBytes)
    {
        newBytes = 0;
        chunk = default;
        if (State is not (SendStreamState.Ready or SendStreamState.Send or SendStreamState.DataSent)) return false;
        ulong maxNewOffset = Math.Min(Credit.Max, _buffer.UnsentOffset + connectionCredit);
        if (_buffer.TryNextRange(maxLength, maxNewOffset, out ulong offset, out int length, out bool retransmit))
        {
            ulong end = offset + (ulong)length;
            if (!retransmit && end > Credit.Used)
            {
                newBytes = end - Credit.Used;
                Credit.Consume(newBytes);
            }
            bool fin = _finPending && end == _buffer.WriteOffset && !_buffer.HasUnsent;
            if (fin) _finPending = false;
            chunk = new StreamChunk(Id, offset, length, fin);
            if (_finRequested && !_buffer.HasUnsent && !_finPending && State == SendStreamState.Send) State = SendStreamState.DataSent;
            return true;
        }
        if (_finPending && !_buffer.HasUnsent)
        {
            _finPending = false;
            chunk = new StreamChunk(Id, _buffer.WriteOffset, 0, true);
            if (State == SendStreamState.Send) State = SendStreamState.DataSent;
            return true;
        }
        return false;
    }

    /// <summary>Copies stream data for a chunk returned by <see cref="TryPollChunk"/> into the packet.</summary>
    public void CopyData(ulong offset, Span<byte> destination) => _buffer.CopyTo(offset, destination);

    /// <summary>A STREAM frame we sent was acknowledged. Returns true when the stream just became fully delivered.</summary>
    public bool OnChunkAcked(ulong offset, int length, bool fin)
    {
        if (State is SendStreamState.ResetSent or SendStreamState.ResetRecvd) return false;
        _buffer.OnAcked(offset, length);
        if (fin) _finAcked = true;
        if (_finAcked && _buffer.IsFullyAcked && State == SendStreamState.DataSent)
        {
            State = SendStreamState.DataRecvd;
            return true;
        }
        return false;
    }

    /// <summary>A STREAM frame we sent was declared lost: queue what the peer has not acknowledged.</summary>
    public void OnChunkLost(ulong offset, int length, bool fin)
    {
        if (State is SendStreamState.ResetSent or SendStreamState.ResetRecvd or SendStreamState.DataRecvd) return;
        _buffer.OnLost(offset, length);
        if (fin && !_finAcked) _finPending = true;
    }

    public void OnResetSent() => _resetPending = false;

    public void OnResetLost()
    {
        if (State == SendStreamState.ResetSent) _resetPending = true;
    }

    /// <summary>Our RESET_STREAM was acknowledged.</summary>
    public void OnResetAcked()
    {
        if (State == SendStreamState.ResetSent) State = SendStreamState.ResetRecvd;
    }
}
