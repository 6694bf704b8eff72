namespace MoqLive.Transport.InMemory;

/// <summary>
/// The state both sessions of a pair share: one lock guards every stream, queue and close flag of the pair,
/// which keeps cross-session transitions (a reset seen by the peer, a close failing both sides) atomic.
/// </summary>
internal sealed class InMemoryConnection
{
    // Streams not yet finished in every direction; bounded by the stream limits of both sides.
    private readonly HashSet<InMemoryStreamState> _liveStreams = [];

    public InMemoryConnection(InMemorySessionOptions options)
    {
        Options = options;
        Client = new InMemorySession(this, isClient: true);
        Server = new InMemorySession(this, isClient: false);
    }

    public object Sync { get; } = new();

    public InMemorySessionOptions Options { get; }

    public InMemorySession Client { get; }

    public InMemorySession Server { get; }

    public InMemorySession PeerOf(InMemorySession session) => ReferenceEquals(session, Client) ? Server : Client;

    /// <summary>Streams still holding stream-limit credit (for tests that check nothing leaks).</summary>
    public int LiveStreamCount
    {
        get
        {
            lock (Sync)
                return _liveStreams.Count;
        }
    }

    /// <summary>Caller holds <see cref="Sync"/>.</summary>
    public void Register(InMemoryStreamState stream) => _liveStreams.Add(stream);

    /// <summary>Caller holds <see cref="Sync"/>.</summary>
    public void Unregister(InMemoryStreamState stream) => _liveStreams.Remove(stream);

    /// <summary>Closes both sessions; the first close wins, later ones are no-ops.</summary>
    public void Close(InMemorySession closer, ulong errorCode, string reason)
    {
        lock (Sync)
        {
            if (Client.CloseInfo is not null)
                return;

            InMemorySession peer = PeerOf(closer);
            closer.CloseInfo = new TransportCloseInfo(errorCode, reason, ClosedByPeer: false);
            peer.CloseInfo = new TransportCloseInfo(errorCode, reason, ClosedByPeer: true);

            foreach (InMemoryStreamState stream in _liveStreams)
                stream.OnSessionClosed();
            _liveStreams.Clear();

            Client.OnClosed();
            Server.OnClosed();
        }
    }
}
