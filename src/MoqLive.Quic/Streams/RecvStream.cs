
namespace MoqLive.Quic.Streams;

/// <summary>Receiving-part states (RFC 9000 §3.2).</summary>
public enum RecvStreamState
{
    Recv,
    SizeKnown,
    DataRecvd,
    DataRead,
    ResetRecvd,
    ResetRead,
}

/// <summary>
/// The receiving part of a stream: reassembly, final size rules (RFC 9000 §4.5), stream flow control (§4.1) with an
/// auto-tuned window, RESET_STREAM from the peer and STOP_SENDING from the application.
/// </summary>
internal sealed class RecvStream
{
    private readonly StreamAssembler _assembler = new();
    private bool _maxStreamDataPending;

    public RecvStream(StreamId id, ulong initialWindow, ulong maxWindow)
    {
        Id = id;
        Window = new ReceiveWindow(initialWindow, maxWindow);
    }

    public StreamId Id { get; }

    public RecvStreamState State { get; private set; }

    public ReceiveWindow Window { get; }

    public ulong? FinalSize { get; private set; }

    /// <summary>The peer's RESET_STREAM error code, once received.</summary>
    public ulong? ResetErrorCode { get; private set; }

    /// <summary>The code we asked the peer to stop with, once the application stopped reading.</summary>
    public ulong? StopErrorCode { get; private set; }

    /// <summary>True when a STOP_SENDING frame must be (re)sent.</summary>
    public bool StopSendingPending { get; private set; }

    /// <summary>True when a MAX_STREAM_DATA frame should be sent.</summary>
    public bool MaxStreamDataPending => _maxStreamDataPending && State == RecvStreamState.Recv && !StopErrorCode.HasValue;

    public ulong ReadOffset => _assembler.ReadOffset;

    /// <summary>True when <see cref="Read"/> would return data, the end of stream, or a reset.</summary>
    public bool IsReadable =>
        _assembler.HasReadableData
        || State is RecvStreamState.DataRecvd or RecvStreamState.ResetRecvd
        || (FinalSize == _assembler.ReadOffset && State != RecvStreamState.DataRead);

    /// <summary>True once the application saw the end (FIN or reset) or stopped reading, and nothing more will arrive.</summary>
    public bool IsClosed =>
        State is RecvStreamState.DataRead or RecvStreamState.ResetRead
        || (StopErrorCode.HasValue && FinalSize.HasValue);

    /// <summary>
    /// Handles a STREAM frame. Returns the increase of this stream's highest received offset, which the caller
    /// charges to connection-level flow control. Throws FINAL_SIZE_ERROR / FLOW_CONTROL_ERROR.
    /// </summary>
    public ulong OnStreamFrame(ulong offset, ReadOnlySpan<byte> data, bool fin, ulong frameType)
    {
        ulong end = offset + (ulong)data.Length;
        if (end > QuicMaxOffset)
            throw new QuicProtocolException(TransportErrorCode.FrameEncodingError, frameType, "stream offset exceeds 2^62-1");
        CheckFinalSize(end, fin, frameType);
        ulong before = Window.Received;
        Window.OnReceived(end, frameType);
        ulong delta = Window.Received - before;
        if (fin && FinalSize is null)
        {
            FinalSize = end;
            if (State == RecvStreamState.Recv) State = RecvStreamState.SizeKnown;
        }
        if (State is RecvStreamState.ResetRecvd or RecvStreamState.ResetRead) return delta;
        if (StopErrorCode.HasValue)
        {
            // Data after STOP_SENDING is dropped but still counts as consumed for flow control.
            Window.OnConsumed(delta);
            return delta;
        }
        _assembler.Insert(offset, data);
        if (State == RecvStreamState.SizeKnown && _assembler.IsCompleteUpTo(FinalSize!.Value)) State = RecvStreamState.DataRecvd;
        return delta;
    }

    /// <summary>
    /// Handles RESET_STREAM. Returns the increase of the highest received offset (to charge connection flow control).
    /// The unread data is dropped; the caller releases the returned connection credit via <see cref="ReleaseUnread"/>.
    /// </summary>
    public ulong OnResetStream(ulong errorCode, ulong finalSize, ulong frameType)
    {
        CheckFinalSize(finalSize, true, frameType);
        ulong before = Window.Received;
        Window.OnReceived(finalSize, frameType);
        ulong delta = Window.Received - before;
        FinalSize = finalSize;
        if (State is RecvStreamState.DataRecvd or RecvStreamState.DataRead or RecvStreamState.ResetRecvd or RecvStreamState.ResetRead)
            return delta; // RFC 9000 §3.2: a reset after all data arrived may be ignored.
        ResetErrorCode = errorCode;
        State = RecvStreamState.ResetRecvd;
        return delta;
    }

    /// <summary>
    /// Flow-control credit to return to the connection after a reset or stop: everything up to the final/highest
    /// offset that was not consumed by reads. Call once after <see cref="OnResetStream"/> or <see cref="Stop"/>.
    /// </summary>
    public ulong ReleaseUnread()
    {
        _assembler.DiscardAll();
        ulong end = FinalSize ?? Window.Received;
        ulong released = end > Window.Consumed ? end - Window.Consumed : 0;
        Window.OnConsumed(released);
        return released;
    }

    /// <summary>
    /// Reads contiguous data. Returns the byte count and whether the end of the stream was reached. Throws
    /// <see cref="StreamResetException"/> if the peer reset the stream (once; the stream is then closed).
    /// </summary>
    public int Read(Span<byte> destination, out bool fin)
    {
        if (StopErrorCode.HasValue) throw new InvalidOperationException($"stream {Id} was stopped");
        if (State == RecvStreamState.ResetRecvd)
        {
            State = RecvStreamState.ResetRead;
            throw new StreamResetException(ResetErrorCode!.Value);
        }
        if (State == RecvStreamState.ResetRead) throw new StreamResetException(ResetErrorCode!.Value);
        int n = _assembler.Read(destination);
        Window.OnConsumed((ulong)n);
        fin = FinalSize == _assembler.ReadOffset;
        if (fin) State = RecvStreamState.DataRead;
        else if (Window.ShouldSendUpdate) _maxStreamDataPending = true;
        return n;
    }

    /// <summary>The application will not read any more (STOP_SENDING with <paramref name="errorCode"/>).</summary>
    public bool Stop(ulong errorCode)
    {
        if (StopErrorCode.HasValue || State is RecvStreamState.DataRead or RecvStreamState.ResetRead) return false;
        StopErrorCode = errorCode;
        // RFC 9000 §3.5: no need to ask the peer to stop when all data or a reset already arrived.
        StopSendingPending = State is RecvStreamState.Recv or RecvStreamState.SizeKnown;
        return true;
    }

    public void OnStopSendingSent() => StopSendingPending = false;

    public void OnStopSendingLost()
    {
        if (StopErrorCode.HasValue && State is RecvStreamState.Recv or RecvStreamState.SizeKnown) StopSendingPending = true;
    }

    /// <summary>Produces the next MAX_STREAM_DATA value to send and clears the pending flag.</summary>
    public ulong TakeMaxStreamData(Instant now, TimeSpan rtt)
    {
        _maxStreamDataPending = false;
        return Window.NextLimit(now, rtt);
    }

    /// <summary>A MAX_STREAM_DATA we sent was lost: send the current limit again.</summary>
    public void OnMaxStreamDataLost() => _maxStreamDataPending = true;

    private void CheckFinalSize(ulong end, bool fin, ulong frameType)
    {
        if (FinalSize is { } size)
        {
            if (end > size || (fin && end != size))
                throw new QuicProtocolException(TransportErrorCode.FinalSizeError, frameType,
                    $"stream {Id}: data or final size {end} conflicts with final size {size}");
        }
        else if (fin && end < Window.Received)
        {
            throw new QuicProtocolException(TransportErrorCode.FinalSizeError, frameType,
                $"stream {Id}: final size {end} below data already received up to {Window.Received}");
        }
    }

    private const ulong QuicMaxOffset = (1UL << 62) - 1;
}
