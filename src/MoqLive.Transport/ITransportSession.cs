namespace MoqLive.Transport;

/// <summary>
/// A multiplexed, secure session that MOQT (and HTTP/3) runs on: raw QUIC, a WebTransport session, or the
/// in-memory pair. It offers reliable ordered streams in both directions, unreliable datagrams, and a
/// session close with an application error code and reason (DESIGN.md, "Transport abstraction").
/// </summary>
/// <remarks>
/// Error codes are application codes: on raw QUIC they are carried in RESET_STREAM / STOP_SENDING /
/// CONNECTION_CLOSE (type 0x1d); on WebTransport they are mapped into the HTTP/3 error space by the adapter.
/// Every pending operation fails with <see cref="TransportSessionClosedException"/> once the session is closed,
/// and so does every later one (opening, accepting, reading, writing, sending or receiving datagrams);
/// <see cref="ITransportSendStream.Reset"/>, <see cref="ITransportReceiveStream.Stop"/> and disposal become no-ops.
/// Cancelling a pending operation through its token throws <see cref="OperationCanceledException"/> and leaves the
/// session usable. <see cref="IAsyncDisposable.DisposeAsync"/> closes the session with error code 0 and an empty
/// reason unless it is already closed; it is idempotent.
/// </remarks>
public interface ITransportSession : IAsyncDisposable
{
    /// <summary>The negotiated application protocol token (ALPN on raw QUIC, <c>wt-protocol</c> on WebTransport), or null.</summary>
    string? Protocol { get; }

    /// <summary>
    /// Largest datagram payload <see cref="SendDatagram"/> accepts right now, in bytes; 0 when the peer does
    /// not accept datagrams. It can change over the session (path MTU).
    /// </summary>
    int MaxDatagramSize { get; }

    /// <summary>Completes when the session ends, for whatever reason, with who closed it, the code and the reason.</summary>
    Task<TransportCloseInfo> Closed { get; }

    /// <summary>
    /// Opens a bidirectional stream, waiting while the peer's stream limit is reached (RFC 9000 §4.6; the peer
    /// returns credit once it accepted a stream and the stream is finished in every direction: FIN read, reset or stopped).
    /// </summary>
    /// <remarks>
    /// On QUIC the peer learns of the stream only when its first frame arrives, so write (or finish) before
    /// expecting the peer's accept to return it.
    /// </remarks>
    ValueTask<ITransportStream> OpenBidirectionalStreamAsync(CancellationToken cancellationToken = default);

    /// <summary>Opens a unidirectional (send-only) stream, waiting while the peer's stream limit is reached (see <see cref="OpenBidirectionalStreamAsync"/>).</summary>
    ValueTask<ITransportSendStream> OpenUnidirectionalStreamAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits for the next bidirectional stream the peer opens.</summary>
    ValueTask<ITransportStream> AcceptBidirectionalStreamAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits for the next unidirectional stream the peer opens.</summary>
    ValueTask<ITransportReceiveStream> AcceptUnidirectionalStreamAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues an unreliable datagram. Returns false when it was dropped locally (queue full or congestion);
    /// datagrams are never retransmitted. Throws <see cref="ArgumentOutOfRangeException"/> when longer than
    /// <see cref="MaxDatagramSize"/>.
    /// </summary>
    bool SendDatagram(ReadOnlySpan<byte> payload);

    /// <summary>Waits for the next datagram from the peer. The returned memory belongs to the caller.</summary>
    ValueTask<ReadOnlyMemory<byte>> ReceiveDatagramAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Closes the session with an application error code and a reason the peer sees. Idempotent; pending
    /// operations fail with <see cref="TransportSessionClosedException"/>.
    /// </summary>
    ValueTask CloseAsync(ulong errorCode, string reason, CancellationToken cancellationToken = default);
}
