using static MoqLive.Quic.Frames.FrameWriting;

namespace MoqLive.Quic.Frames;

/// <summary>
/// CONNECTION_CLOSE (RFC 9000 §19.19). Type 0x1c carries a <see cref="TransportErrorCode"/> and the type of the
/// frame that caused it; type 0x1d carries an application error code. <see cref="ReasonPhrase"/> is UTF-8 by
/// convention but not validated (§19.19: it is for diagnostics).
/// </summary>
internal readonly ref struct ConnectionCloseFrame
{
    public ConnectionCloseFrame(bool isApplication, ulong errorCode, ulong triggeringFrameType, ReadOnlySpan<byte> reasonPhrase)
    {
        IsApplication = isApplication;
        ErrorCode = errorCode;
        TriggeringFrameType = isApplication ? 0 : triggeringFrameType;
        ReasonPhrase = reasonPhrase;
    }

    /// <summary>True for type 0x1d (application close).</summary>
    public bool IsApplication { get; }

    /// <summary>A <see cref="TransportErrorCode"/> for 0x1c, an application code for 0x1d.</summary>
    public ulong ErrorCode { get; }

    /// <summary>Frame type that triggered the error (0x1c only; 0 when unknown).</summary>
    public ulong TriggeringFrameType { get; }

    public ReadOnlySpan<byte> ReasonPhrase { get; }

    public FrameType Type => IsApplication ? FrameType.ConnectionCloseApplication : FrameType.ConnectionClose;

    /// <summary>Transport close for a protocol error.</summary>
    public static ConnectionCloseFrame FromTransportError(TransportErrorCode code, ulong? frameType, ReadOnlySpan<byte> reason) =>
        new(false, (ulong)code, frameType ?? 0, reason);

    /// <summary>
    /// The frame to put in an Initial or Handshake packet: an application close (0x1d) becomes a transport close
    /// with APPLICATION_ERROR and no reason, so nothing application-specific leaks before the handshake is
    /// confirmed (RFC 9000 §10.2.3). Transport closes are returned unchanged.
    /// </summary>
    public ConnectionCloseFrame ForHandshakePacket() =>
        IsApplication ? new ConnectionCloseFrame(false, (ulong)TransportErrorCode.ApplicationError, 0, default) : this;

    /// <summary>
    /// Longest reason phrase that keeps the whole frame within <paramref name="available"/> bytes; -1 when not even
    /// an empty reason fits. Slice the reason (on a UTF-8 boundary if it matters) before writing.
    /// </summary>
    public int GetMaxReasonLength(int available)
    {
        int fixedLength = 1 + VarIntLength(ErrorCode) + (IsApplication ? 0 : VarIntLength(TriggeringFrameType));
        return (int)Math.Min(MaxLengthPrefixedPayload(available - (long)fixedLength), int.MaxValue);
    }

    public int GetEncodedLength() =>
        1 + VarIntLength(ErrorCode) + (IsApplication ? 0 : VarIntLength(TriggeringFrameType))
        + VarIntLength((ulong)ReasonPhrase.Length) + ReasonPhrase.Length;

    public int Write(Span<byte> destination)
    {
        int offset = WriteVarInt(destination, 0, (ulong)Type);
        offset = WriteVarInt(destination, offset, ErrorCode);
        if (!IsApplication)
            offset = WriteVarInt(destination, offset, TriggeringFrameType);
        offset = WriteVarInt(destination, offset, (ulong)ReasonPhrase.Length);
        return WriteBytes(destination, offset, ReasonPhrase);
    }

    internal static ConnectionCloseFrame Decode(scoped ref FrameFieldReader reader, FrameType type)
    {
        bool isApplication = type == FrameType.ConnectionCloseApplication;
        ulong errorCode = reader.ReadVarInt();
        ulong frameType = isApplication ? 0 : reader.ReadVarInt();
        ReadOnlySpan<byte> reason = reader.ReadLengthPrefixed();
        return new ConnectionCloseFrame(isApplication, errorCode, frameType, reason);
    }
}
