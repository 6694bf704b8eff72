using MoqLive.Transport;

namespace MoqLive.Quic.Streams;

/// <summary>
/// Chooses which stream sends next: strictly by <see cref="StreamPriority.Urgency"/>, then by
/// <see cref="StreamPriority.Order"/> (lower first), round-robin among streams equal in both. Only streams marked
/// as having data are queued; a priority may change at any time and takes effect for the next pick.
/// </summary>
internal sealed class StreamScheduler
{
    private readonly SortedDictionary<(int Urgency, long Order), LinkedList<StreamId>> _levels = new();
    private readonly Dictionary<StreamId, (LinkedListNode<StreamId> Node, (int, long) Key)> _queued = new();

    public int Count => _queued.Count;

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
        }
        _queued.Add(id, (list.AddLast(id), key));
    }

    public void Remove(StreamId id)
    {
        if (!_queued.Remove(id, out var entry)) return;
        var list = entry.Node.List!;
        list.Remove(entry.Node);
        if (list.Count == 0) _levels.Remove(entry.Key);
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
        foreach (var list in _levels.Values)
        {
            id = list.First!.Value;
            return true;
        }
        id = default;
        return false;
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
    public IEnumerable<StreamId> InOrder() => _levels.Values.SelectMany(l => l);
}
