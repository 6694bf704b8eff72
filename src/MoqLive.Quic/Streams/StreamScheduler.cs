using MoqLive.Transport;

namespace MoqLive.Quic.Streams;

/// <summary>
/// Chooses which stream sends next: strictly by <see cref="StreamPriority.Urgency"/>, then by
/// <see cref="StreamPriority.Order"/> (lower first), round-robin among streams equal in both. Only streams marked
/// as having data are queued; a priority may change at any time and takes effect for the next pick.
/// </summary>
/// <remarks>
/// Picking runs for every packet, so it must not allocate: the levels are a sorted set of keys, whose
/// <see cref="SortedSet{T}.Min"/> walks the tree without the enumerator (which allocates a stack), beside a dictionary
/// from key to the level's streams.
/// </remarks>
internal sealed class StreamScheduler
{
    private readonly SortedSet<(int Urgency, long Order)> _levelKeys = new();
    private readonly Dictionary<(int Urgency, long Order), LinkedList<StreamId>> _levels = new();
    private readonly Dictionary<StreamId, (LinkedListNode<StreamId> Node, (int, long) Key)> _queued = new();

    public int Count => _queued.Count;

    /// <summary>The queued streams in no particular order (enumerates without allocating).</summary>
    public Dictionary<StreamId, (LinkedListNode<StreamId> Node, (int, long) Key)>.KeyCollection Queued => _queued.Keys;

    public bool IsQueued(StreamId id) => _queued.ContainsKey(id);

    /// <summary>Queues a stream with data to send (no-op when already queued).</summary>
    public void Enqueue(StreamId id, StreamPriority priority)
    {
        if (_queued.ContainsKey(id)) return;
        var key = (priority.Urgency, priority.Order);
        if (!_levels.TryGetValue(key, out var list))
        {
            list = new LinkedList<StreamId>();
            _levels.Add(key, list);
            _levelKeys.Add(key);
        }
        _queued.Add(id, (list.AddLast(id), key));
    }

    public void Remove(StreamId id)
    {
        if (!_queued.Remove(id, out var entry)) return;
        var list = entry.Node.List!;
        list.Remove(entry.Node);
        if (list.Count == 0)
        {
            _levels.Remove(entry.Key);
            _levelKeys.Remove(entry.Key);
        }
    }

    /// <summary>Moves a queued stream to its new priority level (at the back of that level).</summary>
    public void ChangePriority(StreamId id, StreamPriority priority)
    {
        if (!_queued.TryGetValue(id, out var entry) || entry.Key == (priority.Urgency, priority.Order)) return;
        Remove(id);
        Enqueue(id, priority);
    }

    /// <summary>The stream that should send next, if any.</summary>
    public bool TryPeek(out StreamId id)
    {
        if (_levelKeys.Count == 0)
        {
            id = default;
            return false;
        }
        id = _levels[_levelKeys.Min].First!.Value;
        return true;
    }

    /// <summary>Moves a stream that just sent to the back of its level so equals share bandwidth.</summary>
    public void Rotate(StreamId id)
    {
        if (!_queued.TryGetValue(id, out var entry)) return;
        var list = entry.Node.List!;
        if (list.Count == 1) return;
        list.Remove(entry.Node);
        list.AddLast(entry.Node);
    }

    /// <summary>Streams in the order they would be served if each sent once (for tests and diagnostics).</summary>
    public IEnumerable<StreamId> InOrder() => _levelKeys.SelectMany(key => _levels[key]);
}
