namespace MoqLive.Transport.InMemory;

/// <summary>
/// One stream as both endpoints share it: its one or two directions (<see cref="StreamPipe"/>) and the
/// stream-limit credit it holds on the opener (RFC 9000 §4.6). The acceptor returns the credit (MAX_STREAMS)
/// once it accepted the stream and its state is gone: everything it receives was read, reset or stopped, and
/// everything it sends arrived or was reset or stopped. Counting unaccepted streams keeps the acceptor's queue
/// bounded by the limit even when the opener resets streams faster than the peer accepts them.
/// </summary>
internal sealed class InMemoryStreamState
{
    private readonly InMemoryConnection _connection;
    private StreamPipe[] _pipes = [];
    private bool _accepted;
    private bool _creditReturned;
    private bool _unregistered;

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
        Update();
    }

    /// <summary>
    /// Caller holds the lock. Returns the stream credit once the acceptor is done with the stream, and forgets
    /// the stream once both sides are done with every direction (until then a close must still fail it).
    /// </summary>
    public void Update()
    {
        InMemorySession acceptor = _connection.PeerOf(Opener);
        if (!_creditReturned && _accepted && _pipes.All(pipe => pipe.IsDoneFor(acceptor)))
        {
            _creditReturned = true;
            _connection.LinkFrom(acceptor).Send(() => Opener.ReleaseStreamCredit(Bidirectional));
        }

        if (_creditReturned && !_unregistered && _pipes.All(pipe => pipe.IsSendDone && pipe.IsReceiveDone))
        {
            _unregistered = true;
            _connection.Unregister(this);
        }
    }

    /// <summary>Caller holds the lock: <paramref name="session"/> just closed.</summary>
    public void OnSessionClosed(InMemorySession session)
    {
        foreach (StreamPipe pipe in _pipes)
            pipe.OnSessionClosed(session);
    }
}
