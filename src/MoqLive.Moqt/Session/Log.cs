using Microsoft.Extensions.Logging;
using W = MoqLive.Moqt.Wire;

namespace MoqLive.Moqt.Session;

/// <summary>Log messages of the MOQT session (EventId range 3xxx, STYLE.md).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "MOQT SETUP received from {Implementation}")]
    public static partial void SetupReceived(ILogger logger, string implementation);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "MOQT protocol violation {Code}: {Reason}; closing the session")]
    public static partial void ProtocolViolation(ILogger logger, W.MoqtErrorCode code, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "MOQT session internal error; closing the session")]
    public static partial void InternalError(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "MOQT session background work did not stop within 5 s")]
    public static partial void ShutdownSlow(ILogger logger);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "MOQT data stream for unknown Track Alias {TrackAlias} abandoned")]
    public static partial void UnknownTrackAlias(ILogger logger, ulong trackAlias);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug, Message = "MOQT {Request} handler failed")]
    public static partial void HandlerFailed(ILogger logger, string request, Exception exception);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Debug,
        Message = "MOQT subscription {RequestId}: object {{{GroupId}, {ObjectId}}} (subgroup {SubgroupId}) past its delivery timeout; subgroup abandoned")]
    public static partial void DeliveryTimeout(ILogger logger, ulong requestId, ulong groupId, ulong subgroupId, ulong objectId);
}
