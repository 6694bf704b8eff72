namespace MoqLive.Quic.Recovery;

/// <summary>Per-space loss-detection state (RFC 9002 Appendix A.3).</summary>
internal sealed class PacketSpaceRecovery
{
    private readonly SortedSet<ulong> _order = new();
    private readonly Dictionary<ulong, SentPacket> _packets = new();

    public int Count => _packets.Count;

    public ulong? LargestAcked { get; set; }

    public ulong? LargestSent { get; set; }

    public Instant? LossTime { get; set; }

    public Instant? TimeOfLastAckEliciting { get; set; }

    public int AckElicitingInFlight { get; set; }

    /// <summary>Outstanding packets in packet-number order.</summary>
    public IEnumerable<SentPacket> Packets => _order.Select(pn => _packets[pn]);

    public void Add(SentPacket p)
    {
        _order.Add(p.PacketNumber);
        _packets.Add(p.PacketNumber, p);
    }

    public bool Remove(ulong pn)
    {
        if (!_packets.Remove(pn)) return false;
        _order.Remove(pn);
        return true;
    }

    public SentPacket Get(ulong pn) => _packets[pn];

    /// <summary>Outstanding packets with numbers in [lo, hi], ascending.</summary>
    public IEnumerable<SentPacket> Between(ulong lo, ulong hi) =>
        lo > hi || _order.Count == 0 ? [] : _order.GetViewBetween(lo, hi).Select(pn => _packets[pn]);

    public void Clear()
    {
        _order.Clear();
        _packets.Clear();
        LossTime = null;
        TimeOfLastAckEliciting = null;
        AckElicitingInFlight = 0;
    }
}
