using MoqLive.Transport;

namespace MoqLive.Testing.Conformance;

/// <summary>
/// Two connected sessions for the conformance suite, plus whatever else must be torn down with them
/// (listeners, sockets, HTTP/3 connections).
/// </summary>
public sealed class TransportSessionPair : IAsyncDisposable
{
    private readonly Func<ValueTask>? _disposeExtra;

    /// <param name="client">The session that initiated the connection (its streams have even IDs).</param>
    /// <param name="server">The accepting session.</param>
    /// <param name="disposeExtra">Runs after both sessions are disposed, to release listeners, sockets, etc.</param>
    public TransportSessionPair(ITransportSession client, ITransportSession server, Func<ValueTask>? disposeExtra = null)
    {
        Client = client;
        Server = server;
        _disposeExtra = disposeExtra;
    }

    public ITransportSession Client { get; }

    public ITransportSession Server { get; }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().AsTask().WithTimeout();
        await Server.DisposeAsync().AsTask().WithTimeout();
        if (_disposeExtra is not null)
            await _disposeExtra().AsTask().WithTimeout();
    }
}
