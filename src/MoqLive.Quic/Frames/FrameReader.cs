using MoqLive.Quic.Packets;
using MoqLive.Transport.Encoding;

namespace MoqLive.Quic.Frames;

/// <summary>
/// Iterates the frames of a decrypted packet payload without copying.
/// <para>
/// Drive it as: <c>while (reader.TryReadFrameType(out var type)) { switch (type) { case FrameType.Ack: var ack =
/// reader.ReadAck(); ... default: reader.SkipFrame(); } }</c>. After <see cref="TryReadFrameType"/> returns true,
/// call exactly one Read method matching the type (or <see cref="SkipFrame"/>); STREAM types 0x08-0x0f all use
/// <see cref="ReadStream"/>. Payload spans in the returned frames are slices of the payload.
/// </para>
/// <para>
/// Errors throw <see cref="QuicProtocolException"/>: a packet with no frames, a frame type not allowed in the
/// packet type (RFC 9000 §12.4) or a non-minimally encoded type → PROTOCOL_VIOLATION; an unknown type or a
/// malformed/truncated frame → FRAME_ENCODING_ERROR with the frame type.
/// </para>
/// </summary>
internal ref struct FrameReader
{
    private readonly ReadOnlySpan<byte> _payload;
    private readonly PacketType _packetType;
    private int _position;
    private FrameType? _pending;
    private bool _ackEliciting;
    private bool _nonProbing;

    public FrameReader(ReadOnlySpan<byte> payload, PacketType packetType)
    {
        _payload = payload;
        _packetType = packetType;
        _position = 0;
        _pending = null;
        _ackEliciting = false;
        _nonProbing = false;
    }

    /// <summary>Offset of the next unread byte in the payload.</summary>
    public readonly int Position => _position;

    /// <summary>True once any ack-eliciting frame type has been read (RFC 9000 §13.2.1).</summary>
    public readonly bool IsAckEliciting => _ackEliciting;

    /// <summary>
    /// True while every frame type read so far is a probing frame (RFC 9000 §9.1): after the last frame, tells
    /// whether the packet is a probing packet (which does not trigger migration).
    /// </summary>
    public readonly bool IsProbingOnly => !_nonProbing;

    /// <summary>
    /// Reads the next frame type; false at the end of the payload. Throws on an empty payload, an unknown or
    /// disallowed type.
    /// </summary>
    public bool TryReadFrameType(out FrameType type)
    {
        if (_pending is { } unread)
            throw new InvalidOperationException($"The {unread} frame was not read.");

        if (_position >= _payload.Length)
        {
            // RFC 9000 §12.4: a packet containing no frames is a PROTOCOL_VIOLATION.
            if (_payload.IsEmpty)
                throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, null, "Packet contains no frames.");
            type = default;
            return false;
        }

        // The payload is non-empty here, so a truncated type varint is a malformed frame.
        if (!QuicVarInt.TryRead(_payload[_position..], out ulong raw, out int length))
            throw new QuicProtocolException(TransportErrorCode.FrameEncodingError, null, "Truncated frame type.");

        type = (FrameType)raw;
        // RFC 9000 §12.4: frame types use the shortest encoding; longer ones MAY be a PROTOCOL_VIOLATION.
        if (length != QuicVarInt.GetEncodedLength(raw))
            throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, raw, "Frame type not minimally encoded.");
        if (!FrameTypeInfo.IsKnown(type))
            throw new QuicProtocolException(TransportErrorCode.FrameEncodingError, raw, "Unknown frame type.");
        if (!FrameTypeInfo.IsAllowedIn(type, _packetType))
            throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, raw, $"{type} frame not allowed in a {_packetType} packet.");

        _ackEliciting |= FrameTypeInfo.IsAckEliciting(type);
        _nonProbing |= !FrameTypeInfo.IsProbing(type);
        _position += length;
        _pending = type;
        return true;
    }

    /// <summary>Folds the PADDING frame just read and any that follow into one run.</summary>
    public PaddingFrame ReadPadding()
    {
        Take(FrameType.Padding);
        int start = _position - 1;
        int run = _payload[_position..].IndexOfAnyExcept((byte)0);
        _position = run < 0 ? _payload.Length : _position + run;
        return new PaddingFrame(_position - start);
    }

    public PingFrame ReadPing()
    {
        Take(FrameType.Ping);
        return default;
    }

    public AckFrame ReadAck()
    {
        var type = TakeAny(FrameType.Ack, FrameType.AckEcn);
        var fields = Fields(type);
        var frame = AckFrame.Decode(ref fields, type);
        _position += fields.Consumed;
        return frame;
    }

    public ResetStreamFrame ReadResetStream()
    {
        var fields = Fields(Take(FrameType.ResetStream));
        var frame = ResetStreamFrame.Decode(ref fields);
        _position += fields.Consumed;
        return frame;
    }

    public ResetStreamAtFrame ReadResetStreamAt()
    {
        var fields = Fields(Take(FrameType.ResetStreamAt));
        var frame = ResetStreamAtFrame.Decode(ref fields);
        _position += fields.Consumed;
        return frame;
    }

    public StopSendingFrame ReadStopSending()
    {
        var fields = Fields(Take(FrameType.StopSending));
        var frame = StopSendingFrame.Decode(ref fields);
        _position += fields.Consumed;
        return frame;
    }

    public CryptoFrame ReadCrypto()
    {
        var fields = Fields(Take(FrameType.Crypto));
        var frame = CryptoFrame.Decode(ref fields);
        _position += fields.Consumed;
        return frame;
    }

    public NewTokenFrame ReadNewToken()
    {
        var fields = Fields(Take(FrameType.NewToken));
        var frame = NewTokenFrame.Decode(ref fields);
        _position += fields.Consumed;
        return frame;
    }

    public StreamFrame ReadStream()
    {
        var type = TakeStream();
        var fields = Fields(type);
        var frame = StreamFrame.Decode(ref fields, type);
        _position += fields.Consumed;
        return frame;
    }

    public MaxDataFrame ReadMaxData()
    {
        var fields = Fields(Take(FrameType.MaxData));
        var frame = MaxDataFrame.Decode(ref fields);
        _position += fields.Consumed;
        return frame;
    }

    public MaxStreamDataFrame ReadMaxStreamData()
    {
        var fields = Fields(Take(FrameType.MaxStreamData));
        var frame = MaxStreamDataFrame.Decode(ref fields);
        _position += fields.Consumed;
        return frame;
    }

    public MaxStreamsFrame ReadMaxStreams()
    {
        var type = TakeAny(FrameType.MaxStreamsBidi, FrameType.MaxStreamsUni);
        var fields = Fields(type);
        var frame = MaxStreamsFrame.Decode(ref fields, type);
        _position += fields.Consumed;
        return frame;
    }

    public DataBlockedFrame ReadDataBlocked()
    {
        var fields = Fields(Take(FrameType.DataBlocked));
        var frame = DataBlockedFrame.Decode(ref fields);
        _position += fields.Consumed;
        return frame;
    }

    public StreamDataBlockedFrame ReadStreamDataBlocked()
    {
        var fields = Fields(Take(FrameType.StreamDataBlocked));
        var frame = StreamDataBlockedFrame.Decode(ref fields);
        _position += fields.Consumed;
        return frame;
    }

    public StreamsBlockedFrame ReadStreamsBlocked()
    {
        var type = TakeAny(FrameType.StreamsBlockedBidi, FrameType.StreamsBlockedUni);
        var fields = Fields(type);
        var frame = StreamsBlockedFrame.Decode(ref fields, type);
        _position += fields.Consumed;
        return frame;
    }

    public NewConnectionIdFrame ReadNewConnectionId()
    {
        var fields = Fields(Take(FrameType.NewConnectionId));
        var frame = NewConnectionIdFrame.Decode(ref fields);
        _position += fields.Consumed;
        return frame;
    }

    public RetireConnectionIdFrame ReadRetireConnectionId()
    {
        var fields = Fields(Take(FrameType.RetireConnectionId));
        var frame = RetireConnectionIdFrame.Decode(ref fields);
        _position += fields.Consumed;
        return frame;
    }

    public PathChallengeFrame ReadPathChallenge()
    {
        var fields = Fields(Take(FrameType.PathChallenge));
        var frame = PathChallengeFrame.Decode(ref fields);
        _position += fields.Consumed;
        return frame;
    }

    public PathResponseFrame ReadPathResponse()
    {
        var fields = Fields(Take(FrameType.PathResponse));
        var frame = PathResponseFrame.Decode(ref fields);
        _position += fields.Consumed;
        return frame;
    }

    public ConnectionCloseFrame ReadConnectionClose()
    {
        var type = TakeAny(FrameType.ConnectionClose, FrameType.ConnectionCloseApplication);
        var fields = Fields(type);
        var frame = ConnectionCloseFrame.Decode(ref fields, type);
        _position += fields.Consumed;
        return frame;
    }

    public HandshakeDoneFrame ReadHandshakeDone()
    {
        Take(FrameType.HandshakeDone);
        return default;
    }

    public ImmediateAckFrame ReadImmediateAck()
    {
        Take(FrameType.ImmediateAck);
        return default;
    }

    public DatagramFrame ReadDatagram()
    {
        var type = TakeAny(FrameType.Datagram, FrameType.DatagramWithLength);
        var fields = Fields(type);
        var frame = DatagramFrame.Decode(ref fields, type);
        _position += fields.Consumed;
        return frame;
    }

    public AckFrequencyFrame ReadAckFrequency()
    {
        var fields = Fields(Take(FrameType.AckFrequency));
        var frame = AckFrequencyFrame.Decode(ref fields);
        _position += fields.Consumed;
        return frame;
    }

    /// <summary>Decodes (and validates) the pending frame, discarding it.</summary>
    public void SkipFrame()
    {
        var type = _pending ?? throw new InvalidOperationException("No frame type was read.");
        if (FrameTypeInfo.IsStream(type))
        {
            ReadStream();
            return;
        }

        switch (type)
        {
            case FrameType.Padding: ReadPadding(); break;
            case FrameType.Ping: ReadPing(); break;
            case FrameType.Ack or FrameType.AckEcn: ReadAck(); break;
            case FrameType.ResetStream: ReadResetStream(); break;
            case FrameType.ResetStreamAt: ReadResetStreamAt(); break;
            case FrameType.StopSending: ReadStopSending(); break;
            case FrameType.Crypto: ReadCrypto(); break;
            case FrameType.NewToken: ReadNewToken(); break;
            case FrameType.MaxData: ReadMaxData(); break;
            case FrameType.MaxStreamData: ReadMaxStreamData(); break;
            case FrameType.MaxStreamsBidi or FrameType.MaxStreamsUni: ReadMaxStreams(); break;
            case FrameType.DataBlocked: ReadDataBlocked(); break;
            case FrameType.StreamDataBlocked: ReadStreamDataBlocked(); break;
            case FrameType.StreamsBlockedBidi or FrameType.StreamsBlockedUni: ReadStreamsBlocked(); break;
            case FrameType.NewConnectionId: ReadNewConnectionId(); break;
            case FrameType.RetireConnectionId: ReadRetireConnectionId(); break;
            case FrameType.PathChallenge: ReadPathChallenge(); break;
            case FrameType.PathResponse: ReadPathResponse(); break;
            case FrameType.ConnectionClose or FrameType.ConnectionCloseApplication: ReadConnectionClose(); break;
            case FrameType.HandshakeDone: ReadHandshakeDone(); break;
            case FrameType.ImmediateAck: ReadImmediateAck(); break;
            case FrameType.Datagram or FrameType.DatagramWithLength: ReadDatagram(); break;
            case FrameType.AckFrequency: ReadAckFrequency(); break;
            default: throw new InvalidOperationException($"Unhandled frame type {type}.");
        }
    }

    private readonly FrameFieldReader Fields(FrameType type) => new(_payload[_position..], type);

    private FrameType Take(FrameType expected) => TakeAny(expected, expected);

    private FrameType TakeAny(FrameType first, FrameType second)
    {
        var type = _pending ?? throw new InvalidOperationException("No frame type was read.");
        if (type != first && type != second)
            throw new InvalidOperationException($"Pending frame is {type}, not {first}.");
        _pending = null;
        return type;
    }

    private FrameType TakeStream()
    {
        var type = _pending ?? throw new InvalidOperationException("No frame type was read.");
        if (!FrameTypeInfo.IsStream(type))
            throw new InvalidOperationException($"Pending frame is {type}, not STREAM.");
        _pending = null;
        return type;
    }
}
