namespace MoqLive.Transport.InMemory;

/// <summary>
/// One stream as both endpoints share it: its one or two directions (<see cref="StreamPipe"/>) and the
/// stream-limit credit it holds on the opener until the peer accepted it and every direction is finished
/// (RFC 9000 §4.6). Counting unaccepted streams keeps the acceptor's queue bounded by the limit even when the
/// opener resets streams faster than the peer accepts them.
/// </summary>
internal sealed class InMemoryStreamState
{
    private readonly InMemoryConnection _connection;
    private StreamPipe[] _pipes = [];
    private bool _released;
    private bool _accepted;

    public InMemoryStreamState(InMemoryConnection connection, InMemorySession opener, long id, bool bidirectional)
    {
        _connection = connection;
        Opener = opener;
        Id = id;
        Bidirectional = bidirectional;
    }

    public InMemorySession Opener { get; }

    public long Id { get; }

    public bool Bidirectional { get; }

    public object Sync => _connection.Sync;

    public void SetPipes(params StreamPipe[] pipes) => _pipes = pipes;

    /// <summary>Caller holds the lock: the peer's accept call dequeued the stream.</summary>
    public void OnAccepted()
    {
        _accepted = true;
        OnPipeTerminal();
    }

    /// <summary>Caller holds the lock. Returns the stream credit once accepted and every direction is finished.</summary>
    public void OnPipeTerminal()
    {
        if (_released || !_accepted)
            return;
        foreach (StreamPipe pipe in _pipes)
        {
            if (!pipe.IsTerminal)
                return;
        }

        _released = true;
        _connection.Unregister(this);
        Opener.ReleaseStreamCredit(Bidirectional);
    }

    /// <summary>Caller holds the lock.</summary>
    public void OnSessionClosed()
    {
        _released = true;
        foreach (StreamPipe pipe in _pipes)
            pipe.OnSessionClosed();
    }
}
