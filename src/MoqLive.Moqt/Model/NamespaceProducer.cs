namespace MoqLive.Moqt.Model;

/// <summary>
/// The writing half of a SUBSCRIBE_NAMESPACE response: the set of active namespaces under a prefix, as changes.
/// A relay calls <see cref="Announce"/>/<see cref="Withdraw"/> as publishers come and go; a session that sent
/// SUBSCRIBE_NAMESPACE calls them for each NAMESPACE / NAMESPACE_DONE it receives.
/// </summary>
/// <remarks>
/// Bounded by design: pending changes are coalesced per namespace, so a reader that does not keep up holds at most one
/// pending entry per namespace (an announce followed by a withdraw it never saw cancels out) and never a growing log.
/// Never emits a withdraw for a namespace the reader was not told about (§"SUBSCRIBE_NAMESPACE"). Thread-safe.
/// </remarks>
public sealed class NamespaceProducer
{
    private readonly Lock _sync = new();
    private readonly HashSet<TrackNamespace> _active = [];
    private readonly HashSet<TrackNamespace> _delivered = [];
    private readonly Queue<TrackNamespace> _dirty = new();
    private readonly HashSet<TrackNamespace> _dirtySet = [];
    private TaskCompletionSource? _signal;
    private bool _complete;
    private bool _cancelled;

    /// <summary>Creates the pair for namespaces under <paramref name="prefix"/>.</summary>
    public NamespaceProducer(TrackNamespace prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        Prefix = prefix;
        Consumer = new NamespaceConsumer(this);
    }

    /// <summary>Raised once when the consumer is disposed (the subscriber cancelled SUBSCRIBE_NAMESPACE).</summary>
    public event Action<NamespaceProducer>? Cancelled;

    /// <summary>The subscribed prefix.</summary>
    public TrackNamespace Prefix { get; }

    /// <summary>The reading half.</summary>
    public NamespaceConsumer Consumer { get; }

    /// <summary>True once the consumer was disposed.</summary>
    public bool IsCancelled
    {
        get
        {
            lock (_sync)
                return _cancelled;
        }
    }

    /// <summary>Number of namespaces with a change the reader has not taken yet.</summary>
    public int PendingCount
    {
        get
        {
            lock (_sync)
                return _dirty.Count;
        }
    }

    /// <summary>Marks <paramref name="trackNamespace"/> active.</summary>
    public void Announce(TrackNamespace trackNamespace) => Set(trackNamespace, active: true);

    /// <summary>Marks <paramref name="trackNamespace"/> no longer active.</summary>
    public void Withdraw(TrackNamespace trackNamespace) => Set(trackNamespace, active: false);

    /// <summary>No more changes (the response stream ended); the reader sees the end after pending changes.</summary>
    public void Complete()
    {
        lock (_sync)
        {
            _complete = true;
            Wake();
        }
    }

    internal async ValueTask<NamespaceEvent?> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_sync)
            {
                while (_dirty.TryDequeue(out var ns))
                {
                    _dirtySet.Remove(ns);
                    bool active = _active.Contains(ns);
                    if (active == _delivered.Contains(ns))
                        continue;
                    if (active)
                        _delivered.Add(ns);
                    else
                        _delivered.Remove(ns);
                    return new NamespaceEvent(ns, active);
                }

                if (_complete || _cancelled)
                    return null;
                _signal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _signal.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal void Cancel()
    {
        lock (_sync)
        {
            if (_cancelled)
                return;
            _cancelled = true;
            _dirty.Clear();
            _dirtySet.Clear();
            Wake();
        }

        Cancelled?.Invoke(this);
    }

    private void Set(TrackNamespace trackNamespace, bool active)
    {
        ArgumentNullException.ThrowIfNull(trackNamespace);
        lock (_sync)
        {
            if (_cancelled || _complete)
                return;
            bool changed = active ? _active.Add(trackNamespace) : _active.Remove(trackNamespace);
            if (!changed)
                return;
            if (_dirtySet.Add(trackNamespace))
                _dirty.Enqueue(trackNamespace);
            Wake();
        }
    }

    private void Wake()
    {
        var signal = _signal;
        _signal = null;
        signal?.TrySetResult();
    }
}
