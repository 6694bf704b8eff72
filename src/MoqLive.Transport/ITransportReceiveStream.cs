namespace MoqLive.Transport;

/// <summary>The receiving half of a stream (a unidirectional stream the peer opened, or one side of a bidirectional one).</summary>
/// <remarks>
/// One reader at a time: concurrent <see cref="ReadAsync"/> calls on the same stream are not supported.
/// <see cref="IAsyncDisposable.DisposeAsync"/> stops the receive side with error code 0 (as <see cref="Stop"/>)
/// unless everything up to FIN was read or the stream was already reset or stopped; it never throws.
/// </remarks>
public interface ITransportReceiveStream : IAsyncDisposable
{
    /// <summary>The QUIC stream ID (RFC 9000 §2.1: bit 0x1 set for server-initiated, bit 0x2 for unidirectional streams), on every implementation including the in-memory pair.</summary>
    long Id { get; }

    /// <summary>
    /// Reads the next bytes in order into <paramref name="buffer"/>. Returns 0 at the end of the stream (FIN).
    /// Throws <see cref="TransportStreamAbortedException"/> when the peer reset the stream (data not yet read
    /// may be discarded), <see cref="TransportSessionClosedException"/> once the session is closed, and
    /// <see cref="InvalidOperationException"/> after <see cref="Stop"/>.
    /// </summary>
    /// <remarks>
    /// With an empty <paramref name="buffer"/> it waits until data is available (or FIN) and returns 0.
    /// Cancellation abandons only the wait: no data is lost and the stream stays usable.
    /// </remarks>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks the peer to stop sending (STOP_SENDING with <paramref name="errorCode"/>) and discards what arrives.
    /// Idempotent; a no-op once everything was read, after a reset, or after the session closed.
    /// </summary>
    void Stop(ulong errorCode);

    /// <summary>
    /// Completes when the receive side is done: successfully at FIN once read (or after <see cref="Stop"/>),
    /// faulted with <see cref="TransportStreamAbortedException"/> when the peer reset the stream, or with
    /// <see cref="TransportSessionClosedException"/> when the session closed first.
    /// </summary>
    Task ReadsClosed { get; }
}
