namespace MoqLive.Quic.Streams;

/// <summary>What happened to streams, reported to the application through the connection's events.</summary>
public enum StreamEventKind
{
    /// <summary>The peer opened a stream of <see cref="StreamEvent.Direction"/>; call accept.</summary>
    Opened,
    /// <summary>Data, the end of the stream, or a reset can be read.</summary>
    Readable,
    /// <summary>A stream that could not take all written data can take more.</summary>
    Writable,
    /// <summary>All data and the FIN were acknowledged by the peer.</summary>
    Finished,
    /// <summary>The peer sent STOP_SENDING with <see cref="StreamEvent.ErrorCode"/>; the stream was reset.</summary>
    Stopped,
    /// <summary>The peer raised our stream limit for <see cref="StreamEvent.Direction"/>; opening may succeed again.</summary>
    Available,
}

/// <summary>A stream event.</summary>
public readonly record struct StreamEvent(StreamEventKind Kind, StreamId Id, StreamDirection Direction = default, ulong ErrorCode = 0);
