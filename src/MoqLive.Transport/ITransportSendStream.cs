namespace MoqLive.Transport;

/// <summary>The sending half of a stream (a unidirectional stream we opened, or one side of a bidirectional one).</summary>
/// <remarks>
/// One writer at a time: concurrent <see cref="WriteAsync"/> calls on the same stream are not supported.
/// <see cref="IAsyncDisposable.DisposeAsync"/> resets the send side with error code 0 (as <see cref="Reset"/>)
/// unless it was already finished (FIN), reset or stopped; so dispose after FIN never truncates delivery,
/// and dispose of a half-written stream never makes a partial message look complete. It never throws.
/// </remarks>
public interface ITransportSendStream : IAsyncDisposable
{
    /// <summary>The QUIC stream ID (RFC 9000 §2.1: bit 0x1 set for server-initiated, bit 0x2 for unidirectional streams), on every implementation including the in-memory pair.</summary>
    long Id { get; }

    /// <summary>
    /// Send priority relative to the session's other streams; may be changed at any time and applies to
    /// data not yet sent.
    /// </summary>
    StreamPriority Priority { get; set; }

    /// <summary>
    /// Writes data, waiting for flow-control credit or buffer space as needed. With <paramref name="endStream"/>
    /// the stream's send side is finished after the data (FIN). Throws <see cref="TransportStreamAbortedException"/>
    /// when the peer asked us to stop (STOP_SENDING), <see cref="TransportSessionClosedException"/> once the
    /// session is closed, and <see cref="InvalidOperationException"/> after FIN or <see cref="Reset"/>.
    /// </summary>
    /// <remarks>
    /// When canceled while waiting for credit, a prefix of <paramref name="data"/> may already have been sent
    /// and FIN was not; the caller should usually <see cref="Reset"/> the stream.
    /// </remarks>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, bool endStream = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="prefix"/> (copied, e.g. an object header) followed by the bytes of <paramref name="payload"/>
    /// as one write, with the semantics of <see cref="WriteAsync"/>. The caller keeps its own reference to
    /// <paramref name="payload"/> and may release it once this completes. A transport that can hold shared buffers
    /// retains <paramref name="payload"/> instead of copying it (QUIC); the default copies both into one pooled buffer.
    /// </summary>
    /// <exception cref="ObjectDisposedException"><paramref name="payload"/> was already released by its last holder.</exception>
    async ValueTask WriteSharedAsync(ReadOnlyMemory<byte> prefix, ISharedBuffer payload, bool endStream = false, CancellationToken cancellationToken = default)
    {
        ReadOnlyMemory<byte> bytes = payload.Memory;
        byte[] scratch = System.Buffers.ArrayPool<byte>.Shared.Rent(prefix.Length + bytes.Length);
        try
        {
            prefix.Span.CopyTo(scratch);
            bytes.Span.CopyTo(scratch.AsSpan(prefix.Length));
            await WriteAsync(scratch.AsMemory(0, prefix.Length + bytes.Length), endStream, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Every transport copies written bytes before WriteAsync completes, so the scratch buffer is free again.
            System.Buffers.ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// Finishes the send side (FIN) after all data written so far. Idempotent, and a no-op after <see cref="Reset"/>;
    /// throws <see cref="TransportStreamAbortedException"/> after STOP_SENDING and
    /// <see cref="TransportSessionClosedException"/> once the session is closed.
    /// </summary>
    ValueTask CompleteWritesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Abandons the send side at once (RESET_STREAM with <paramref name="errorCode"/>): unsent and unacknowledged
    /// data is dropped and not retransmitted. Cheap and idempotent; a no-op after the stream finished.
    /// </summary>
    void Reset(ulong errorCode);

    /// <summary>
    /// Completes when the send side is done: successfully when everything was delivered (or reset by us),
    /// faulted with <see cref="TransportStreamAbortedException"/> when the peer sent STOP_SENDING, or with
    /// <see cref="TransportSessionClosedException"/> when the session closed first.
    /// </summary>
    Task WritesClosed { get; }
}
