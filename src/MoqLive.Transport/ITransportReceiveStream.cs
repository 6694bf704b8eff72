namespace MoqLive.Transport;

/// <summary>The receiving half of a stream (a unidirectional stream the peer opened, or one side of a bidirectional one).</summary>
public interface ITransportReceiveStream : IAsyncDisposable
{
    /// <summary>The stream ID (QUIC stream ID on QUIC and WebTransport; unique per session on the in-memory pair).</summary>
    long Id { get; }

    /// <summary>
    /// Reads the next bytes in order into <paramref name="buffer"/>. Returns 0 at the end of the stream (FIN).
    /// Throws <see cref="TransportStreamAbortedException"/> when the peer reset the stream.
    /// </summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <summary>Asks the peer to stop sending (STOP_SENDING with <paramref name="errorCode"/>) and discards what arrives. Idempotent.</summary>
    void Stop(ulong errorCode);

    /// <summary>
    /// Completes when the receive side is done: successfully at FIN once read (or after <see cref="Stop"/>),
    /// faulted with <see cref="TransportStreamAbortedException"/> when the peer reset the stream.
    /// </summary>
    Task ReadsClosed { get; }
}
