using MoqLive.Quic.Core;

namespace MoqLive.Quic;

/// <summary>A QUIC operation failed (the shape of System.Net.Quic's <c>QuicException</c>).</summary>
public sealed class QuicException : IOException
{
    public QuicException(QuicError error, long? applicationErrorCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        QuicError = error;
        ApplicationErrorCode = applicationErrorCode;
    }

    public QuicException(QuicError error, long? applicationErrorCode, long? transportErrorCode, string message)
        : base(message)
    {
        QuicError = error;
        ApplicationErrorCode = applicationErrorCode;
        TransportErrorCode = transportErrorCode;
    }

    /// <summary>What went wrong.</summary>
    public QuicError QuicError { get; }

    /// <summary>The application error code of a connection close, stream reset or STOP_SENDING, when there was one.</summary>
    public long? ApplicationErrorCode { get; }

    /// <summary>The transport error code (RFC 9000 §20.1; 0x100 + TLS alert for crypto errors) when a transport error closed the connection.</summary>
    public long? TransportErrorCode { get; }

    internal static QuicException FromClose(ConnectionCloseInfo info)
    {
        switch (info.Origin)
        {
            case CloseOrigin.IdleTimeout:
                return new QuicException(QuicError.ConnectionIdle, null, "The connection timed out from inactivity.");
            case CloseOrigin.StatelessReset:
                return new QuicException(QuicError.ConnectionAborted, null, "The peer reset the connection (stateless reset).");
            case CloseOrigin.HandshakeTimeout:
                return new QuicException(QuicError.ConnectionTimeout, null, $"The QUIC handshake timed out: {info.Reason}.");
        }

        bool local = info.Origin == CloseOrigin.Local;
        if (info.IsApplicationError)
        {
            return new QuicException(local ? QuicError.OperationAborted : QuicError.ConnectionAborted, (long)info.ErrorCode,
                $"The connection was closed by {(local ? "us" : "the peer")} with application error 0x{info.ErrorCode:x}: {info.Reason}");
        }

        return new QuicException(QuicError.TransportError, null, (long)info.ErrorCode,
            $"The connection was closed by {(local ? "us" : "the peer")} with transport error 0x{info.ErrorCode:x} ({(MoqLive.Quic.TransportErrorCode)info.ErrorCode}): {info.Reason}");
    }
}
