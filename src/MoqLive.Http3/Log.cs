using Microsoft.Extensions.Logging;

namespace MoqLive.Http3;

/// <summary>Log messages of MoqLive.Http3; event IDs 2000–2999 (STYLE.md).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Debug, Message = "HTTP/3 {Role} connection started; SETTINGS sent")]
    public static partial void ConnectionStarted(ILogger logger, string role);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "HTTP/3 connection error {ErrorCode}: {Reason}")]
    public static partial void ConnectionError(ILogger logger, Http3ErrorCode errorCode, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Peer SETTINGS received with {Count} parameters")]
    public static partial void PeerSettingsReceived(ILogger logger, int count);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "GOAWAY sent with ID {Id}")]
    public static partial void GoAwaySent(ILogger logger, ulong id);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "GOAWAY received with ID {Id}")]
    public static partial void GoAwayReceived(ILogger logger, ulong id);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Debug, Message = "Request on stream {StreamId}: {Method} {Path}")]
    public static partial void RequestReceived(ILogger logger, long streamId, string method, string? path);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Stream error {ErrorCode} on stream {StreamId}: {Reason}")]
    public static partial void StreamError(ILogger logger, long streamId, Http3ErrorCode errorCode, string reason);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Error, Message = "Request handler for stream {StreamId} failed")]
    public static partial void HandlerFailed(ILogger logger, long streamId, Exception exception);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Debug, Message = "Unidirectional stream {StreamId} of unknown type 0x{StreamType:x} stopped")]
    public static partial void UnknownStreamType(ILogger logger, long streamId, ulong streamType);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Debug, Message = "Request stream {StreamId} refused after GOAWAY")]
    public static partial void RequestRejectedAfterGoAway(ILogger logger, long streamId);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Debug, Message = "Peer aborted stream {StreamId} with code 0x{ErrorCode:x}")]
    public static partial void StreamAbortedByPeer(ILogger logger, long streamId, ulong errorCode);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Debug, Message = "HTTP/3 connection closed by transport: code 0x{ErrorCode:x}, {Reason}")]
    public static partial void TransportClosed(ILogger logger, ulong errorCode, string reason);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "WebTransport request on stream {StreamId} from origin {Origin} for {Path} refused with {Status}")]
    public static partial void WebTransportRefused(ILogger logger, long streamId, string? origin, string? path, int status);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Trace, Message = "WebTransport session {SessionId}: datagram receive queue full, oldest dropped ({Dropped} so far)")]
    public static partial void WebTransportDatagramDropped(ILogger logger, long sessionId, long dropped);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Information, Message = "WebTransport session {SessionId}: malformed capsule stream, {ErrorCode}: {Reason}")]
    public static partial void WebTransportCapsuleError(ILogger logger, long sessionId, Http3ErrorCode errorCode, string reason);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Debug, Message = "HTTP/3 connection idle for {Delay}: closing it")]
    public static partial void IdleClose(ILogger logger, TimeSpan delay);
}
