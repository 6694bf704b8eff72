namespace MoqLive.Quic.Streams;

/// <summary>Kinds of stream-related control frames the stream layer asks the connection to send.</summary>
internal enum StreamControlKind
{
    MaxData,
    MaxStreamData,
    MaxStreamsBidi,
    MaxStreamsUni,
    ResetStream,
    StopSending,
    DataBlocked,
    StreamDataBlocked,
    StreamsBlockedBidi,
    StreamsBlockedUni,
}

/// <summary>
/// A control frame produced by <see cref="StreamsState"/>: the connection encodes it, remembers it in the sent packet
/// and reports loss or acknowledgement back so it is repeated only while still relevant.
/// </summary>
/// <param name="Kind">Frame kind.</param>
/// <param name="StreamId">Stream the frame concerns (0 for connection-level frames).</param>
/// <param name="Value">MAX_* / *_BLOCKED limit, or the application error code for RESET_STREAM / STOP_SENDING.</param>
/// <param name="FinalSize">Final size for RESET_STREAM.</param>
internal readonly record struct StreamControlFrame(StreamControlKind Kind, StreamId StreamId, ulong Value, ulong FinalSize = 0);
