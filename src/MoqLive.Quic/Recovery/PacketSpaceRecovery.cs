namespace MoqLive.Quic.Recovery;

/// <summary>Per-space loss-detection state (RFC 9002 Appendix A.3).</summary>
/// <remarks>
/// Packet numbers in a space only grow (RFC 9000 §12.3), so outstanding packets are kept in send order in one list:
/// adding appends, lookups are binary searches, and removed packets leave a hole until the oldest ones are gone.
/// No per-packet allocation beyond the <see cref="SentPacket"/> itself.
/// </remarks>
internal sealed class PacketSpaceRecovery
{
    // Ascending packet numbers from _head; a removed packet leaves its number and a null.
    private readonly List<ulong> _numbers = new();
    private readonly List<SentPacket?> _packets = new();
    private int _head;

    public int Count { get; private set; }

    public ulong? LargestAcked { get; set; }

    public ulong? LargestSent { get; set; }

    public Instant? LossTime { get; set; }

    public Instant? TimeOfLastAckEliciting { get; set; }

    public int AckElicitingInFlight { get; set; }

    /// <summary>Outstanding packets in packet-number order.</summary>
    public IEnumerable<SentPacket> Packets => Between(0, ulong.MaxValue);

    public void Add(SentPacket p)
    {
        if (_numbers.Count > _head && p.PacketNumber <= _numbers[^1])
            throw new InvalidOperationException($"packet number {p.PacketNumber} is not above {_numbers[^1]}");
        _numbers.Add(p.PacketNumber);
        _packets.Add(p);
        Count++;
    }

    public bool Remove(ulong pn)
    {
        int i = IndexOf(pn);
        if (i < 0 || _packets[i] is null) return false;
        _packets[i] = null;
        Count--;
        while (_head < _packets.Count && _packets[_head] is null) _head++;
        if (_head == _packets.Count || (_head > 64 && _head * 2 > _packets.Count))
        {
            _numbers.RemoveRange(0, _head);
            _packets.RemoveRange(0, _head);
            _head = 0;
        }
        return true;
    }

    /// <summary>Adds the outstanding packets with numbers in [lo, hi] to <paramref name="into"/>, ascending, without allocating.</summary>
    public void CollectBetween(ulong lo, ulong hi, List<SentPacket> into)
    {
        if (lo > hi) return;
        for (int i = LowerBound(lo); i < _numbers.Count && _numbers[i] <= hi; i++)
        {
            if (_packets[i] is { } p) into.Add(p);
        }
    }

    /// <summary>Outstanding packets with numbers in [lo, hi], ascending.</summary>
    public IEnumerable<SentPacket> Between(ulong lo, ulong hi)
    {
        if (lo > hi) yield break;
        for (int i = LowerBound(lo); i < _numbers.Count && _numbers[i] <= hi; i++)
        {
            if (_packets[i] is { } p) yield return p;
        }
    }

    public void Clear()
    {
        _numbers.Clear();
        _packets.Clear();
        _head = 0;
        Count = 0;
        LossTime = null;
        TimeOfLastAckEliciting = null;
        AckElicitingInFlight = 0;
    }

    private int IndexOf(ulong pn)
    {
        int i = LowerBound(pn);
        return i < _numbers.Count && _numbers[i] == pn ? i : -1;
    }

    /// <summary>The first index at or after <see cref="_head"/> whose packet number is at least <paramref name="pn"/>.</summary>
    private int LowerBound(ulong pn)
    {
        int lo = _head, hi = _numbers.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_numbers[mid] < pn) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
