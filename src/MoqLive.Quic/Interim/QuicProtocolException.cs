namespace MoqLive.Quic.Interim;

/// <summary>
/// A QUIC transport error detected while processing input: carries the wire code and the frame type that
/// triggered it (RFC 9000 §19.19). The connection catches it once and turns it into CONNECTION_CLOSE.
/// Interim copy; see README.md in this folder.
/// </summary>
public sealed class QuicProtocolException : Exception
{
    public QuicProtocolException(TransportErrorCode code, ulong? frameType, string reason)
        : base(reason)
    {
        Code = code;
        FrameType = frameType;
    }

    public QuicProtocolException()
        : this(TransportErrorCode.InternalError, null, "internal error")
    {
    }

    public QuicProtocolException(string message)
        : this(TransportErrorCode.ProtocolViolation, null, message)
    {
    }

    public QuicProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = TransportErrorCode.InternalError;
    }

    public TransportErrorCode Code { get; }

    public ulong? FrameType { get; }
}
