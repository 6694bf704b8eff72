using System.Net;
using Microsoft.Extensions.Logging;

namespace MoqLive.Server;

/// <summary>Server log messages; EventIds 5000–5999 (STYLE.md: one range per assembly).</summary>
internal static partial class Log
{
    [LoggerMessage(5000, LogLevel.Information, "MoqLive listening on UDP {UdpEndPoint} (ALPN h3, moqt-19) and HTTPS {HttpsUrl}")]
    public static partial void ServerStarted(ILogger logger, IPEndPoint udpEndPoint, string httpsUrl);

    [LoggerMessage(5001, LogLevel.Information, "Development certificate renewed; SHA-256 {Sha256}")]
    public static partial void CertificateRenewed(ILogger logger, string sha256);

    [LoggerMessage(5002, LogLevel.Information, "MOQT session from {Remote} over {Transport} started")]
    public static partial void SessionStarted(ILogger logger, string remote, string transport);

    [LoggerMessage(5003, LogLevel.Information, "MOQT session from {Remote} ended: code {ErrorCode} {Reason}")]
    public static partial void SessionEnded(ILogger logger, string remote, ulong errorCode, string reason);

    [LoggerMessage(5004, LogLevel.Warning, "MOQT session from {Remote} failed to start: {Reason}")]
    public static partial void SessionSetupFailed(ILogger logger, string remote, string reason);

    [LoggerMessage(5005, LogLevel.Warning, "Connection from {Remote} with unexpected ALPN {Alpn} closed")]
    public static partial void UnknownAlpn(ILogger logger, string remote, string? alpn);

    [LoggerMessage(5007, LogLevel.Warning, "Connection from {Remote} failed")]
    public static partial void ConnectionFailed(ILogger logger, string remote, Exception exception);

    [LoggerMessage(5008, LogLevel.Warning, "Accept loop stopped")]
    public static partial void AcceptLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(5009, LogLevel.Information, "Warm-up session to ourselves took {Milliseconds:F0} ms")]
    public static partial void WarmedUp(ILogger logger, double milliseconds);

    [LoggerMessage(5010, LogLevel.Warning, "Warm-up session to {Url} failed; the first client's session will be slower")]
    public static partial void WarmUpFailed(ILogger logger, Uri url, Exception exception);
}
