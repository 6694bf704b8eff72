using MoqLive.Quic.Core;
using MoqLive.Transport;

namespace MoqLive.Quic.Transport;

/// <summary>
/// A raw QUIC connection as an <see cref="ITransportSession"/> (DESIGN.md "Transport abstraction"): streams map to
/// QUIC streams with the same IDs, priorities to the core's stream scheduler, reset/stop codes to RESET_STREAM and
/// STOP_SENDING, datagrams to DATAGRAM frames (RFC 9221), and the session close to CONNECTION_CLOSE (0x1d).
/// </summary>
public sealed class QuicTransportSession : ITransportSession
{
    private readonly QuicConnection _connection;

    /// <summary>Wraps an established connection; the session owns it from now on.</summary>
    public QuicTransportSession(QuicConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        Closed = MapCloseAsync(connection.Closed);
    }

    /// <summary>The underlying connection.</summary>
    public QuicConnection Connection => _connection;

    public string? Protocol => _connection.NegotiatedApplicationProtocol;

    public int MaxDatagramSize => _connection.MaxDatagramSize;

    public Task<TransportCloseInfo> Closed { get; }

    /// <summary>Connects to a raw QUIC server and wraps the connection.</summary>
    public static async ValueTask<QuicTransportSession> ConnectAsync(QuicClientConnectionOptions options, CancellationToken cancellationToken = default) =>
        new(await QuicConnection.ConnectAsync(options, cancellationToken).ConfigureAwait(false));

    public async ValueTask<ITransportStream> OpenBidirectionalStreamAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return new QuicTransportStream(this, await _connection.OpenOutboundStreamAsync(QuicStreamType.Bidirectional, cancellationToken).ConfigureAwait(false));
        }
        catch (QuicException e)
        {
            throw MapException(e, peerStoppedSending: false);
        }
    }

    public async ValueTask<ITransportSendStream> OpenUnidirectionalStreamAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return new QuicTransportStream(this, await _connection.OpenOutboundStreamAsync(QuicStreamType.Unidirectional, cancellationToken).ConfigureAwait(false));
        }
        catch (QuicException e)
        {
            throw MapException(e, peerStoppedSending: false);
        }
    }

    public async ValueTask<ITransportStream> AcceptBidirectionalStreamAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return new QuicTransportStream(this, await _connection.AcceptInboundStreamAsync(QuicStreamType.Bidirectional, cancellationToken).ConfigureAwait(false));
        }
        catch (QuicException e)
        {
            throw MapException(e, peerStoppedSending: false);
        }
    }

    public async ValueTask<ITransportReceiveStream> AcceptUnidirectionalStreamAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return new QuicTransportStream(this, await _connection.AcceptInboundStreamAsync(QuicStreamType.Unidirectional, cancellationToken).ConfigureAwait(false));
        }
        catch (QuicException e)
        {
            throw MapException(e, peerStoppedSending: false);
        }
    }

    public bool SendDatagram(ReadOnlySpan<byte> payload)
    {
        try
        {
            return _connection.SendDatagram(payload);
        }
        catch (QuicException e)
        {
            throw MapException(e, peerStoppedSending: false);
        }
    }

    public async ValueTask<ReadOnlyMemory<byte>> ReceiveDatagramAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _connection.ReceiveDatagramAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (QuicException e)
        {
            throw MapException(e, peerStoppedSending: false);
        }
    }

    public ValueTask CloseAsync(ulong errorCode, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(errorCode, (ulong)long.MaxValue);
        return _connection.CloseAsync((long)errorCode, reason, cancellationToken);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    /// <summary>Turns a <see cref="QuicException"/> into the transport contract's exceptions.</summary>
    internal Exception MapException(QuicException e, bool peerStoppedSending)
    {
        if (e.QuicError == QuicError.StreamAborted)
            return new TransportStreamAbortedException((ulong)(e.ApplicationErrorCode ?? 0), peerStoppedSending);
        if (_connection.Closed.IsCompletedSuccessfully)
            return new TransportSessionClosedException(ToCloseInfo(_connection.Closed.Result));
        return e;
    }

    internal static TransportCloseInfo ToCloseInfo(ConnectionCloseInfo info) => new(
        info.IsApplicationError ? info.ErrorCode : 0,
        info.Reason,
        ClosedByPeer: info.Origin is CloseOrigin.Peer or CloseOrigin.StatelessReset,
        TransportError: info.IsApplicationError ? null : Describe(info));

    private static string Describe(ConnectionCloseInfo info) => info.Origin switch
    {
        CloseOrigin.IdleTimeout => "idle timeout",
        CloseOrigin.StatelessReset => "stateless reset",
        CloseOrigin.HandshakeTimeout => "handshake timeout",
        _ => $"transport error 0x{info.ErrorCode:x} ({(TransportErrorCode)info.ErrorCode}) {(info.Origin == CloseOrigin.Peer ? "from the peer" : "detected locally")}: {info.Reason}",
    };

    private static async Task<TransportCloseInfo> MapCloseAsync(Task<ConnectionCloseInfo> closed) =>
        ToCloseInfo(await closed.ConfigureAwait(false));
}
