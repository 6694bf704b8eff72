namespace MoqLive.Quic.Streams;

/// <summary>Thrown by a read when the peer reset the stream (RESET_STREAM) with an application error code.</summary>
public sealed class StreamResetException : Exception
{
    public StreamResetException(ulong errorCode)
        : base($"stream reset by peer with code {errorCode}") => ErrorCode = errorCode;

    public StreamResetException()
        : this(0)
    {
    }

    public StreamResetException(string message)
        : base(message)
    {
    }

    public StreamResetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ulong ErrorCode { get; }
}
