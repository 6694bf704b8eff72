using MoqLive.Transport;

namespace MoqLive.Quic.Streams;

/// <summary>
/// Chooses which stream sends next: strictly by <see cref="StreamPriority.Urgency"/>, then by
/// <see cref="StreamPriority.Order"/> (lower first), round-robin among streams equal in both. Only streams marked
/// as having data are queued; a priority may change at any time and takes effect for the next pick.
/// </summary>
/// <remarks>
/// Consulted for every packet a connection builds (a relay builds them for thousands of connections), so picking and
/// scanning allocate nothing: the levels are a list kept sorted by key (a connection has a handful), not a
/// SortedDictionary whose enumerator allocates on every peek.
/// </remarks>
internal sealed class StreamScheduler
{
    // Non-empty levels in ascending (Urgency, Order).
    private readonly List<Level> _levels = new();
    private readonly Dictionary<StreamId, (LinkedListNode<StreamId> Node, Level Level)> _queued = new();

    public int Count => _queued.Count;

    public bool IsQueued(StreamId id) => _queued.ContainsKey(id);

    /// <summary>Queues a stream with data to send (no-op when already queued).</summary>
    public void Enqueue(StreamId id, StreamPriority priority)
    {
        if (_queued.ContainsKey(id)) return;
        var key = (priority.Urgency, priority.Order);
        int index = Find(key);
        Level level;
        if (index >= 0)
        {
            level = _levels[index];
        }
        else
        {
            level = new Level(key);
            _levels.Insert(~index, level);
        }
        _queued.Add(id, (level.Streams.AddLast(id), level));
    }

    public void Remove(StreamId id)
    {
        if (!_queued.Remove(id, out var entry)) return;
        entry.Level.Streams.Remove(entry.Node);
        if (entry.Level.Streams.Count == 0) _levels.RemoveAt(Find(entry.Level.Key));
    }

    /// <summary>Moves a queued stream to its new priority level (at the back of that level).</summary>
    public void ChangePriority(StreamId id, StreamPriority priority)
    {
        if (!_queued.TryGetValue(id, out var entry) || entry.Level.Key == (priority.Urgency, priority.Order)) return;
        Remove(id);
        Enqueue(id, priority);
    }

    /// <summary>The stream that should send next, if any.</summary>
    public bool TryPeek(out StreamId id)
    {
        if (_levels.Count > 0)
        {
            id = _levels[0].Streams.First!.Value;
            return true;
        }
        id = default;
        return false;
    }

    /// <summary>Moves a stream that just sent to the back of its level so equals share bandwidth.</summary>
    public void Rotate(StreamId id)
    {
        if (!_queued.TryGetValue(id, out var entry)) return;
        var list = entry.Level.Streams;
        if (list.Count == 1) return;
        list.Remove(entry.Node);
        list.AddLast(entry.Node);
    }

    /// <summary>True if <paramref name="predicate"/> holds for a queued stream (scanned in serving order, without allocating).</summary>
    public bool Any(Func<StreamId, bool> predicate)
    {
        foreach (var level in _levels)
        {
            for (var node = level.Streams.First; node is not null; node = node.Next)
            {
                if (predicate(node.Value)) return true;
            }
        }
        return false;
    }

    /// <summary>Streams in the order they would be served if each sent once (for tests and diagnostics).</summary>
    public IEnumerable<StreamId> InOrder() => _levels.SelectMany(l => l.Streams);

    // Binary search by key: the index, or the complement of the insertion point (List.BinarySearch's convention).
    private int Find((int Urgency, long Order) key)
    {
        int lo = 0, hi = _levels.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = _levels[mid].Key.CompareTo(key);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return ~lo;
    }

    private sealed class Level((int Urgency, long Order) key)
    {
        public (int Urgency, long Order) Key { get; } = key;

        public LinkedList<StreamId> Streams { get; } = new();
    }
}
