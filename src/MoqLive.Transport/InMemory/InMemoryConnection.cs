namespace MoqLive.Transport.InMemory;

/// <summary>
/// The state both sessions of a pair share: one lock guards every stream, queue and close flag of the pair, and
/// two <see cref="InMemoryLink"/>s carry what each side tells the other, immediately or after the simulated delay.
/// </summary>
internal sealed class InMemoryConnection
{
    // Streams not yet settled in every direction; bounded by the stream limits of both sides.
    private readonly HashSet<InMemoryStreamState> _liveStreams = [];
    private readonly InMemoryLink _clientToServer;
    private readonly InMemoryLink _serverToClient;

    public InMemoryConnection(InMemorySessionOptions options)
    {
        Options = options;
        TimeProvider timeProvider = options.TimeProvider ?? TimeProvider.System;
        _clientToServer = new InMemoryLink(Sync, timeProvider, options.OneWayDelay);
        _serverToClient = new InMemoryLink(Sync, timeProvider, options.OneWayDelay);
        Client = new InMemorySession(this, isClient: true);
        Server = new InMemorySession(this, isClient: false);
    }

    public object Sync { get; } = new();

    public InMemorySessionOptions Options { get; }

    public InMemorySession Client { get; }

    public InMemorySession Server { get; }

    /// <summary>Streams still tracked (for tests that check nothing leaks).</summary>
    public int LiveStreamCount
    {
        get
        {
            lock (Sync)
                return _liveStreams.Count;
        }
    }

    public InMemorySession PeerOf(InMemorySession session) => ReferenceEquals(session, Client) ? Server : Client;

    /// <summary>The link that carries what <paramref name="session"/> sends to its peer.</summary>
    public InMemoryLink LinkFrom(InMemorySession session) => ReferenceEquals(session, Client) ? _clientToServer : _serverToClient;

    /// <summary>Caller holds <see cref="Sync"/>.</summary>
    public void Register(InMemoryStreamState stream) => _liveStreams.Add(stream);

    /// <summary>Caller holds <see cref="Sync"/>.</summary>
    public void Unregister(InMemoryStreamState stream) => _liveStreams.Remove(stream);

    /// <summary>
    /// Closes <paramref name="closer"/> now and its peer when the close arrives (CONNECTION_CLOSE, RFC 9000 §10.2).
    /// A session's first close wins; a session that closed on its own before the peer's close arrived keeps its own.
    /// </summary>
    public void Close(InMemorySession closer, ulong errorCode, string reason)
    {
        lock (Sync)
        {
            if (closer.CloseInfo is not null)
                return;

            closer.CloseInfo = new TransportCloseInfo(errorCode, reason, ClosedByPeer: false);
            CloseSide(closer);

            InMemorySession peer = PeerOf(closer);
            LinkFrom(closer).Send(() =>
            {
                if (peer.CloseInfo is not null)
                    return;
                peer.CloseInfo = new TransportCloseInfo(errorCode, reason, ClosedByPeer: true);
                CloseSide(peer);
            });
        }
    }

    private void CloseSide(InMemorySession session)
    {
        foreach (InMemoryStreamState stream in _liveStreams.ToArray())
            stream.OnSessionClosed(session);
        session.OnClosed();

        if (Client.CloseInfo is not null && Server.CloseInfo is not null)
        {
            _liveStreams.Clear();
            _clientToServer.Shutdown();
            _serverToClient.Shutdown();
        }
    }
}
