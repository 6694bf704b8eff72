namespace MoqLive.Transport;

/// <summary>Accepts incoming sessions (raw QUIC connections with an ALPN, or WebTransport sessions).</summary>
public interface ITransportListener : IAsyncDisposable
{
    /// <summary>Waits for the next established session.</summary>
    ValueTask<ITransportSession> AcceptSessionAsync(CancellationToken cancellationToken = default);
}
