namespace MoqLive.Transport;

/// <summary>The sending half of a stream (a unidirectional stream we opened, or one side of a bidirectional one).</summary>
public interface ITransportSendStream : IAsyncDisposable
{
    /// <summary>The stream ID (QUIC stream ID on QUIC and WebTransport; unique per session on the in-memory pair).</summary>
    long Id { get; }

    /// <summary>
    /// Send priority relative to the session's other streams; may be changed at any time and applies to
    /// data not yet sent.
    /// </summary>
    StreamPriority Priority { get; set; }

    /// <summary>
    /// Writes data, waiting for flow-control credit or buffer space as needed. With <paramref name="endStream"/>
    /// the stream's send side is finished after the data (FIN). Throws <see cref="TransportStreamAbortedException"/>
    /// when the peer asked us to stop (STOP_SENDING).
    /// </summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, bool endStream = false, CancellationToken cancellationToken = default);

    /// <summary>Finishes the send side (FIN) after all data written so far.</summary>
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
