namespace MoqLive.Quic.Recovery;

/// <summary>
/// Free list of <see cref="SentPacket"/> records, so a bulk sender allocates no record per packet. Bounded: records
/// beyond <see cref="MaxPooled"/> are left to the garbage collector. Not thread-safe (one connection's loop).
/// </summary>
internal sealed class SentPacketPool
{
    /// <summary>Most free records kept; a window of this many 1452-byte packets is about 6 MB.</summary>
    public const int MaxPooled = 4096;

    private readonly Stack<SentPacket> _free = new();

    /// <summary>Free records held now.</summary>
    public int Count => _free.Count;

    /// <summary>A cleared record, reused when one is free.</summary>
    public SentPacket Rent() => _free.TryPop(out var p) ? p : new SentPacket();

    /// <summary>Clears <paramref name="packet"/> and keeps it for <see cref="Rent"/>; the caller must hold no reference to it.</summary>
    public void Return(SentPacket packet)
    {
        packet.Reset();
        if (_free.Count < MaxPooled) _free.Push(packet);
    }
}
