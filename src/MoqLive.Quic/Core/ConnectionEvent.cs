using MoqLive.Quic.Streams;

namespace MoqLive.Quic.Core;

/// <summary>Kinds of <see cref="ConnectionEvent"/>.</summary>
public enum ConnectionEventKind
{
    /// <summary>The handshake completed; streams and datagrams can be used.</summary>
    Connected,
    /// <summary>The handshake is confirmed (RFC 9001 §4.1.2).</summary>
    HandshakeConfirmed,
    /// <summary>A stream event (<see cref="ConnectionEvent.Stream"/>).</summary>
    Stream,
    /// <summary>A datagram arrived; take it with <c>TryReceiveDatagram</c>.</summary>
    DatagramReceived,
    /// <summary>The connection was closed (by us, the peer, an error, idle timeout or stateless reset); see <see cref="ConnectionEvent.Close"/>.</summary>
    ConnectionLost,
    /// <summary>The connection is fully terminated and its state can be dropped.</summary>
    Drained,
}

/// <summary>Something the application should react to, taken with <c>Connection.TryPollEvent</c>.</summary>
public readonly record struct ConnectionEvent(ConnectionEventKind Kind, StreamEvent Stream = default, ConnectionCloseInfo? Close = null);

/// <summary>Why a connection ended.</summary>
/// <param name="Origin">Who ended it.</param>
/// <param name="IsApplicationError">True for an application close (CONNECTION_CLOSE 0x1d).</param>
/// <param name="ErrorCode">The application or transport error code.</param>
/// <param name="FrameType">For transport errors, the frame type that triggered it.</param>
/// <param name="Reason">The reason phrase.</param>
public sealed record ConnectionCloseInfo(CloseOrigin Origin, bool IsApplicationError, ulong ErrorCode, ulong FrameType, string Reason);

/// <summary>Who ended a connection.</summary>
public enum CloseOrigin
{
    Local,
    Peer,
    IdleTimeout,
    StatelessReset,
    /// <summary>The handshake did not complete in time (<c>Connection.SetHandshakeTimeout</c>); we sent CONNECTION_CLOSE.</summary>
    HandshakeTimeout,
}
