namespace MoqLive.Quic.Streams;

/// <summary>Thrown by a write when the peer asked us to stop sending (STOP_SENDING) with an application error code.</summary>
public sealed class StreamStoppedException : Exception
{
    public StreamStoppedException(ulong errorCode)
        : base($"peer stopped the stream with code {errorCode}") => ErrorCode = errorCode;

    public StreamStoppedException()
        : this(0)
    {
    }

    public StreamStoppedException(string message)
        : base(message)
    {
    }

    public StreamStoppedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ulong ErrorCode { get; }
}
