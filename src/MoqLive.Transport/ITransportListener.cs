namespace MoqLive.Transport;

/// <summary>Accepts incoming sessions (raw QUIC connections with an ALPN, or WebTransport sessions).</summary>
/// <remarks>
/// Disposing stops accepting: pending and later <see cref="AcceptSessionAsync"/> calls throw
/// <see cref="ObjectDisposedException"/>. Sessions already accepted stay open; their owners close them.
/// </remarks>
public interface ITransportListener : IAsyncDisposable
{
    /// <summary>Waits for the next established session.</summary>
    ValueTask<ITransportSession> AcceptSessionAsync(CancellationToken cancellationToken = default);
}
