namespace MoqLive.Testbed.Emulation;

/// <summary>
/// Occupancy of a FIFO bottleneck: packets that have arrived and not yet departed (including the one being
/// serialized). A packet is admitted only if, with it, both the byte and the packet limit still hold.
/// </summary>
internal sealed class DropTailQueue(long? limitBytes, int? limitPackets)
{
    private readonly Queue<(TimeSpan Departure, int Size)> _resident = new();
    private long _bytes;

    public long Bytes => _bytes;

    public int Packets => _resident.Count;

    /// <summary>Forgets packets that departed at or before <paramref name="now"/>.</summary>
    public void Drain(TimeSpan now)
    {
        while (_resident.TryPeek(out var head) && head.Departure <= now)
        {
            _resident.Dequeue();
            _bytes -= head.Size;
        }
    }

    public bool HasRoomFor(int size) =>
        (limitBytes is not { } b || _bytes + size <= b) && (limitPackets is not { } p || _resident.Count + 1 <= p);

    public void Add(TimeSpan departure, int size)
    {
        _resident.Enqueue((departure, size));
        _bytes += size;
    }
}
