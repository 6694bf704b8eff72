using Microsoft.Extensions.Logging;

namespace MoqLive.Relay;

/// <summary>Relay log messages; event IDs 4xxx (STYLE.md).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Namespace {Namespace} published")]
    public static partial void NamespacePublished(ILogger logger, string @namespace);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Namespace {Namespace} withdrawn")]
    public static partial void NamespaceWithdrawn(ILogger logger, string @namespace);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Upstream SUBSCRIBE for {Track} failed: {ErrorCode} {Reason}")]
    public static partial void UpstreamSubscribeFailed(ILogger logger, string track, string errorCode, string reason);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Publisher of {Track} went away ({Reason}); keeping subscribers for {Grace}")]
    public static partial void PublisherLost(ILogger logger, string track, string reason, TimeSpan grace);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Track {Track} resumed from a new publisher")]
    public static partial void PublisherResumed(ILogger logger, string track);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Track {Track} ended: {StatusCode} {Reason}")]
    public static partial void TrackEnded(ILogger logger, string track, string statusCode, string reason);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Error, Message = "Forwarding {Track} failed")]
    public static partial void PumpFailed(ILogger logger, Exception exception, string track);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Debug, Message = "Track {Track} has no subscribers left; unsubscribed upstream")]
    public static partial void TrackUnused(ILogger logger, string track);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Warning, Message = "Upstream joining FETCH for {Track} did not complete within {Wait}; subscribers start without the current group cached")]
    public static partial void UpstreamJoiningFetchTimedOut(ILogger logger, string track, TimeSpan wait);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Track {Track} taken over by a newer PUBLISH; the previous upstream is cancelled")]
    public static partial void PublisherReplaced(ILogger logger, string track);
}
