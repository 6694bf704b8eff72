namespace MoqLive.Quic.Core;

/// <summary>
/// Datagram packetization layer path MTU discovery (DPLPMTUD, RFC 8899 as RFC 9000 §14.3 applies it to QUIC) for one
/// path: a binary search between the confirmed UDP payload size and an upper bound. A probe is one ack-eliciting
/// packet (PING + PADDING) of the probed size; an acknowledged probe confirms its size, and <see cref="MaxProbes"/>
/// lost probes of one size make it the new upper bound. At most one probe is outstanding.
/// </summary>
/// <remarks>
/// Drive it: ask <see cref="NextProbeSize"/> when the connection may send; report the probe with
/// <see cref="OnProbeSent"/>, then its fate with <see cref="OnProbeAcked"/> or <see cref="OnProbeLost"/>.
/// The search ends when the confirmed size is within <see cref="Precision"/> bytes of the bound. When the path stops
/// carrying the confirmed size (a black hole, RFC 8899 §4.3), <see cref="OnBlackHole"/> falls back to the base size and
/// searches again below the size that failed.
/// </remarks>
internal sealed class MtuDiscovery
{
    /// <summary>MAX_PROBES (RFC 8899 §5.1.2): probes of one size lost before the size counts as too large.</summary>
    public const int MaxProbes = 3;

    /// <summary>The search stops when the confirmed size is this close to the smallest size known (or assumed) too large.</summary>
    public const int Precision = 32;

    // Smallest size known to be too large (exclusive upper end of the search).
    private int _tooLarge;
    private int _lostAtSize;
    private int? _outstanding;

    /// <summary>Starts a search from <paramref name="confirmed"/> (the base size) up to <paramref name="upperBound"/> inclusive.</summary>
    public MtuDiscovery(int confirmed, int upperBound)
    {
        Base = confirmed;
        Confirmed = confirmed;
        _tooLarge = Math.Max(confirmed, upperBound) + 1;
    }

    /// <summary>BASE_PLPMTU (RFC 8899 §5.1.4): the size the handshake proved, which a black hole falls back to.</summary>
    public int Base { get; }

    /// <summary>Largest UDP payload size the path is known to carry.</summary>
    public int Confirmed { get; private set; }

    /// <summary>True while a search step is left.</summary>
    public bool Searching => _tooLarge - Confirmed > Precision;

    /// <summary>The size to probe next, or null while a probe is outstanding or the search is over.</summary>
    public int? NextProbeSize => _outstanding is null && Searching ? Confirmed + (_tooLarge - Confirmed) / 2 : null;

    /// <summary>Caps the search, e.g. by the peer's max_udp_payload_size (RFC 9000 §18.2).</summary>
    public void LimitTo(int upperBound)
    {
        if (upperBound + 1 < _tooLarge) _tooLarge = Math.Max(Confirmed, upperBound) + 1;
    }

    /// <summary>A probe of <paramref name="size"/> bytes was sent.</summary>
    public void OnProbeSent(int size) => _outstanding = size;

    /// <summary>A probe was acknowledged: its size is confirmed. True when that raised <see cref="Confirmed"/>.</summary>
    public bool OnProbeAcked(int size)
    {
        _outstanding = null;
        _lostAtSize = 0;
        if (size <= Confirmed) return false;
        Confirmed = Math.Min(size, _tooLarge - 1);
        return true;
    }

    /// <summary>A probe was declared lost; the <see cref="MaxProbes"/>th loss at one size ends the search above it.</summary>
    public void OnProbeLost(int size)
    {
        _outstanding = null;
        if (size <= Confirmed || size >= _tooLarge) return;
        if (++_lostAtSize < MaxProbes) return;
        _lostAtSize = 0;
        _tooLarge = size;
    }

    /// <summary>
    /// Packets of the confirmed size stopped arriving (RFC 8899 §4.3, RFC 9000 §14.4: the path MTU shrank, and no ICMP
    /// said so): falls back to <see cref="Base"/>, and searches again below the size that failed (§5.2, SEARCH_COMPLETE
    /// → BASE on black hole detection). An outstanding probe is forgotten. False when already at the base size.
    /// </summary>
    public bool OnBlackHole()
    {
        if (Confirmed <= Base) return false;
        _tooLarge = Confirmed;
        Confirmed = Base;
        _lostAtSize = 0;
        _outstanding = null;
        return true;
    }
}
