using System.Net;
using Microsoft.Extensions.Logging;

namespace MoqLive.Quic;

/// <summary>Log messages of MoqLive.Quic (event IDs 1xxx, STYLE.md).</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "QUIC listener on {LocalEndPoint} accepting ALPN {Protocols}")]
    public static partial void ListenerStarted(ILogger logger, EndPoint localEndPoint, string protocols);

    [LoggerMessage(1002, LogLevel.Debug, "Connection {ConnectionId} from {RemoteEndPoint} established with ALPN {Protocol}")]
    public static partial void ConnectionEstablished(ILogger logger, string connectionId, EndPoint remoteEndPoint, string? protocol);

    [LoggerMessage(1003, LogLevel.Debug, "Connection {ConnectionId} closed: {Origin} {IsApplicationError} code 0x{ErrorCode:x} {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, string connectionId, string origin, bool isApplicationError, ulong errorCode, string reason);

    [LoggerMessage(1004, LogLevel.Debug, "Sent a {Length}-byte Version Negotiation, Retry or Stateless Reset to {RemoteEndPoint}")]
    public static partial void StatelessResponseSent(ILogger logger, EndPoint remoteEndPoint, int length);

    [LoggerMessage(1005, LogLevel.Trace, "Dropped a {Length}-byte datagram from {RemoteEndPoint}: {Why}")]
    public static partial void DatagramDropped(ILogger logger, int length, EndPoint remoteEndPoint, string why);

    [LoggerMessage(1006, LogLevel.Warning, "Receive loop on {LocalEndPoint} failed")]
    public static partial void ReceiveLoopFailed(ILogger logger, EndPoint localEndPoint, Exception exception);

    [LoggerMessage(1007, LogLevel.Warning, "Refused connection {ConnectionId} from {RemoteEndPoint}: the accept backlog is full")]
    public static partial void BacklogFull(ILogger logger, string connectionId, EndPoint remoteEndPoint);

    [LoggerMessage(1008, LogLevel.Debug, "Handshake with {RemoteEndPoint} timed out")]
    public static partial void HandshakeTimedOut(ILogger logger, EndPoint remoteEndPoint);

    [LoggerMessage(1009, LogLevel.Debug, "Connection {ConnectionId} to {RemoteEndPoint} closed after its idle timeout")]
    public static partial void IdleTimeout(ILogger logger, string connectionId, EndPoint remoteEndPoint);

    [LoggerMessage(1010, LogLevel.Information, "TLS handshake of connection {ConnectionId} with {RemoteEndPoint} failed ({Origin}): alert {Alert} {Reason}")]
    public static partial void TlsHandshakeFailed(ILogger logger, string connectionId, EndPoint remoteEndPoint, string origin, byte alert, string reason);
}
