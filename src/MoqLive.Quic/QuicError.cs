namespace MoqLive.Quic;

/// <summary>Why a <see cref="QuicException"/> was thrown (the shape of System.Net.Quic's <c>QuicError</c>).</summary>
public enum QuicError
{
    /// <summary>An unexpected failure inside the stack.</summary>
    InternalError,

    /// <summary>The peer closed the connection with an application error (<see cref="QuicException.ApplicationErrorCode"/>).</summary>
    ConnectionAborted,

    /// <summary>The peer reset the stream or asked us to stop sending (<see cref="QuicException.ApplicationErrorCode"/>).</summary>
    StreamAborted,

    /// <summary>The handshake did not complete in time.</summary>
    ConnectionTimeout,

    /// <summary>The peer did not answer or refused the connection.</summary>
    ConnectionRefused,

    /// <summary>The peer supports none of our QUIC versions.</summary>
    VersionNegotiationError,

    /// <summary>The connection was idle for longer than the idle timeout.</summary>
    ConnectionIdle,

    /// <summary>We closed the connection (or the listener) ourselves; the operation was abandoned.</summary>
    OperationAborted,

    /// <summary>A transport error closed the connection (<see cref="QuicException.TransportErrorCode"/>): a protocol violation or a TLS alert.</summary>
    TransportError,
}
