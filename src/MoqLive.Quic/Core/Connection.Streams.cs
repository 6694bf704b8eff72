using MoqLive.Quic.Frames;
using MoqLive.Quic.Streams;
using MoqLive.Transport;

namespace MoqLive.Quic.Core;

/// <summary>Application commands for streams and datagrams (RFC 9000 §2–4, RFC 9221).</summary>
internal sealed partial class Connection
{
    private readonly Queue<byte[]> _datagramsToSend = new();
    private readonly Queue<byte[]> _datagramsReceived = new();

    /// <summary>Opens a stream; null while the peer's stream limit is reached (a <see cref="StreamEventKind.Available"/> event follows).</summary>
    public StreamId? OpenStream(StreamDirection direction, StreamPriority priority = default)
    {
        EnsureUsable();
        return Streams.TryOpen(direction, priority);
    }

    /// <summary>Takes the next stream the peer opened.</summary>
    public bool TryAcceptStream(StreamDirection direction, out StreamId id) => Streams.TryAccept(direction, out id);

    /// <summary>Buffers data; returns the bytes accepted (flow control and send buffer bound it).</summary>
    public int WriteStream(StreamId id, ReadOnlySpan<byte> data)
    {
        EnsureUsable();
        return Streams.Write(id, data);
    }

    /// <summary>Buffers bytes of a shared buffer by reference (no copy); returns the bytes accepted, as <see cref="WriteStream"/>.</summary>
    public int WriteStreamShared(StreamId id, ISharedBuffer data, int offset, int length)
    {
        EnsureUsable();
        return Streams.WriteShared(id, data, offset, length);
    }

    /// <summary>Finishes the stream (FIN after the data written so far).</summary>
    public void FinishStream(StreamId id)
    {
        EnsureUsable();
        Streams.Finish(id);
    }

    /// <summary>Abandons the send side with RESET_STREAM; buffered data is dropped at once.</summary>
    public void ResetStream(StreamId id, ulong errorCode) => Streams.Reset(id, errorCode);

    /// <summary>Reads received data in order; <paramref name="fin"/> tells the end of the stream was reached.</summary>
    public int ReadStream(StreamId id, Span<byte> destination, out bool fin) => Streams.Read(id, destination, out fin);

    /// <summary>Stops reading with STOP_SENDING; unread data is discarded.</summary>
    public void StopStream(StreamId id, ulong errorCode) => Streams.Stop(id, errorCode);

    /// <summary>Changes a stream's send priority; applies to data not yet sent.</summary>
    public void SetStreamPriority(StreamId id, StreamPriority priority) => Streams.SetPriority(id, priority);

    /// <summary>
    /// Largest datagram payload <see cref="SendDatagram"/> accepts now: 0 when the peer does not accept datagrams
    /// (no max_datagram_frame_size), otherwise bounded by the peer's limit and our packet size.
    /// </summary>
    public int MaxDatagramSize
    {
        get
        {
            if (_peerMaxDatagramFrameSize == 0) return 0;
            // 1-RTT short header (1 + DCID + 4-byte packet number) + AEAD tag + DATAGRAM type byte.
            // The base size, not one path MTU discovery raised: a datagram accepted now must fit on any later path.
            int packetRoom = _baseUdpPayload - (1 + RemoteConnectionId.Length + 4) - 16 - 1;
            ulong frameRoom = _peerMaxDatagramFrameSize - 1;
            return (int)Math.Max(0, Math.Min(packetRoom, (long)Math.Min(frameRoom, int.MaxValue)));
        }
    }

    /// <summary>Queues an unreliable datagram (RFC 9221). False when the send queue is full; throws when too large.</summary>
    public bool SendDatagram(ReadOnlySpan<byte> payload)
    {
        EnsureUsable();
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payload.Length, MaxDatagramSize, nameof(payload));
        if (_datagramsToSend.Count >= _options.DatagramSendQueueLength) return false;
        _datagramsToSend.Enqueue(payload.ToArray());
        return true;
    }

    /// <summary>Takes the oldest received datagram.</summary>
    public bool TryReceiveDatagram(out byte[] payload) => _datagramsReceived.TryDequeue(out payload!);

    private void OnDatagramFrame(ReadOnlySpan<byte> data, ulong frameType)
    {
        // RFC 9221 §3: DATAGRAM frames we did not allow, or larger than allowed, are a PROTOCOL_VIOLATION.
        if (_options.MaxDatagramFrameSize <= 0 || data.Length + 1 > _options.MaxDatagramFrameSize)
            throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, frameType, "unexpected or oversized DATAGRAM frame");
        if (_datagramsReceived.Count >= _options.DatagramReceiveQueueLength) _datagramsReceived.Dequeue();
        _datagramsReceived.Enqueue(data.ToArray());
        _events.Enqueue(new ConnectionEvent(ConnectionEventKind.DatagramReceived));
    }

    private void EnsureUsable()
    {
        if (State is ConnectionState.Closing or ConnectionState.Draining or ConnectionState.Drained)
            throw new InvalidOperationException("the connection is closed");
    }

    private static int DatagramFrameLength(byte[] d) => DatagramFrame.GetHeaderLength(d.Length, withLength: true) + d.Length;
}
