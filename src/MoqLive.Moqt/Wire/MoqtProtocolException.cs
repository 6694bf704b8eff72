namespace MoqLive.Moqt.Wire;

/// <summary>
/// The peer violated MOQT: the session must be closed with <see cref="Code"/>. Thrown by decoders for
/// malformed input (never for truncated input, which is "need more bytes") and caught once at the session
/// boundary.
/// </summary>
public sealed class MoqtProtocolException : Exception
{
    public MoqtProtocolException(MoqtErrorCode code, string reason)
        : base($"MOQT {code} (0x{(ulong)code:x}): {reason}")
    {
        Code = code;
        Reason = reason;
    }

    public MoqtProtocolException()
        : this(MoqtErrorCode.ProtocolViolation, "protocol violation")
    {
    }

    public MoqtProtocolException(string message)
        : this(MoqtErrorCode.ProtocolViolation, message)
    {
    }

    public MoqtProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = MoqtErrorCode.ProtocolViolation;
        Reason = message;
    }

    /// <summary>The session termination code to close with.</summary>
    public MoqtErrorCode Code { get; }

    /// <summary>The reason phrase to send.</summary>
    public string Reason { get; }
}
