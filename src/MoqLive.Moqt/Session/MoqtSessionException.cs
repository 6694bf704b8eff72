using MoqLive.Moqt.Wire;

namespace MoqLive.Moqt.Session;

/// <summary>The MOQT session failed or was closed; <see cref="ErrorCode"/> is the session termination code.</summary>
public sealed class MoqtSessionException : IOException
{
    public MoqtSessionException(MoqtErrorCode errorCode, string reason, Exception? innerException = null)
        : base($"MOQT session closed: {errorCode} (0x{(ulong)errorCode:x}) {reason}", innerException)
    {
        ErrorCode = errorCode;
        Reason = reason;
    }

    public MoqtSessionException()
        : this(MoqtErrorCode.InternalError, "session failed")
    {
    }

    public MoqtSessionException(string message)
        : this(MoqtErrorCode.InternalError, message)
    {
    }

    public MoqtSessionException(string message, Exception innerException)
        : this(MoqtErrorCode.InternalError, message, innerException)
    {
    }

    public MoqtErrorCode ErrorCode { get; }

    public string Reason { get; }
}
