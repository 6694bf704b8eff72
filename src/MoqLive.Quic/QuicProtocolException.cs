namespace MoqLive.Quic;

/// <summary>
/// A QUIC protocol error detected while processing peer input (RFC 9000 §11.1). Thrown by decoders and the
/// connection core; caught once at the connection boundary, which sends CONNECTION_CLOSE (type 0x1c) with
/// <see cref="Code"/>, <see cref="FrameType"/> and <see cref="Reason"/>.
/// </summary>
internal sealed class QuicProtocolException : Exception
{
    public QuicProtocolException(TransportErrorCode code, ulong? frameType, string reason)
        : base(FormatMessage(code, frameType, reason))
    {
        Code = code;
        FrameType = frameType;
        Reason = reason;
    }

    /// <summary>The transport error code to send.</summary>
    public TransportErrorCode Code { get; }

    /// <summary>The frame type that triggered the error, if known (0 is sent when null, RFC 9000 §19.19).</summary>
    public ulong? FrameType { get; }

    /// <summary>Human-readable reason; goes into the CONNECTION_CLOSE reason phrase.</summary>
    public string Reason { get; }

    private static string FormatMessage(TransportErrorCode code, ulong? frameType, string reason) =>
        frameType is { } type ? $"{code} (frame type 0x{type:x}): {reason}" : $"{code}: {reason}";
}
