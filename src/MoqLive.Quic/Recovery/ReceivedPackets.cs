using MoqLive.Quic.Frames;
using MoqLive.Quic.Internal;

namespace MoqLive.Quic.Recovery;

/// <summary>The content of an ACK frame to send: inclusive ranges in descending order and the encoded ack delay.</summary>
internal readonly record struct AckToSend(AckRange[] Ranges, ulong AckDelayEncoded)
{
    public ulong Largest => Ranges[0].Largest;
}

/// <summary>
/// Received packet numbers of one space and when to acknowledge them (RFC 9000 §13.2): immediately for Initial and
/// Handshake, or when a packet arrives out of order; after two ack-eliciting packets for the first
/// <see cref="DecimationStart"/> of the connection, then after <see cref="AckElicitingThreshold"/>; otherwise within
/// max_ack_delay (a quarter RTT once decimating). Also detects duplicates (§12.3).
/// </summary>
/// <remarks>
/// §13.2.2 recommends an ACK every second ack-eliciting packet but leaves other strategies open. A bulk receiver that
/// follows it sends one ACK per two full datagrams, which costs the receiver a packet to build and seal and the sender
/// one to open and process. Acknowledging every N packets once the transfer is past slow start's first round trips
/// (TCP's and Chromium's ack decimation) cuts that N/2-fold; the quarter-RTT bound keeps a sender whose window holds
/// fewer than N packets from waiting a whole max_ack_delay per window.
/// </remarks>
internal sealed class ReceivedPackets
{
    /// <summary>How many ranges an ACK frame reports at most; older ranges are forgotten (§13.2.3).</summary>
    public const int MaxRanges = 64;

    private readonly RangeSet _received = new();
    private readonly PacketSpace _space;
    private ulong _ignoreBelow;
    private int _ackElicitingSinceAck;
    private long _ackElicitingReceived;
    private bool _immediate;
    private bool _newSinceAck;
    private bool _peerRequested;
    private bool _ignoreOrder;

    // The shortest ACK delay worth a timer (TimerWheel's slot).
    private static readonly TimeSpan s_minTimerDelay = TimeSpan.FromMilliseconds(1);

    public ReceivedPackets(PacketSpace space) => _space = space;

    /// <summary>Our max_ack_delay (RFC 9000 §18.2).</summary>
    public TimeSpan MaxAckDelay { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Ack-eliciting packets to receive before acknowledging immediately once past <see cref="DecimationStart"/>
    /// (§13.2.2 recommends 2, which is also the count used before).
    /// </summary>
    public int AckElicitingThreshold { get; set; } = 2;

    /// <summary>Ack-eliciting packets of the space acknowledged every second packet before <see cref="AckElicitingThreshold"/> applies.</summary>
    public int DecimationStart { get; set; } = 100;

    public ulong? Largest { get; private set; }

    public Instant LargestReceivedTime { get; private set; }

    /// <summary>When the delayed ACK must be sent, if one is pending.</summary>
    public Instant? AckDeadline { get; private set; }

    /// <summary>True when an ACK should go out in the next packet of this space.</summary>
    public bool AckImmediately => _immediate;

    /// <summary>True when there are unacknowledged packets (an ACK may be bundled opportunistically).</summary>
    public bool HasNewPackets => _newSinceAck;

    /// <summary>True when the packet number was already received (or is too old to track).</summary>
    public bool IsDuplicate(ulong pn) => pn < _ignoreBelow || _received.Contains(pn);

    /// <summary>
    /// Records a received (and successfully decrypted) packet; <paramref name="smoothedRtt"/> (zero when unknown) bounds
    /// the ACK delay once acknowledgements are decimated.
    /// </summary>
    public void OnPacketReceived(ulong pn, bool ackEliciting, Instant now, TimeSpan smoothedRtt = default)
    {
        // §13.2.1: out of order means below the largest, or leaving a gap after it.
        bool outOfOrder = Largest is { } largest && (pn < largest || pn > largest + 1);
        _received.Insert(pn, pn + 1);
        if (_received.Count > MaxRanges)
        {
            _ignoreBelow = _received[0].End;
            _received.RemoveFirst();
        }
        if (Largest is null || pn > Largest)
        {
            Largest = pn;
            LargestReceivedTime = now;
        }
        _newSinceAck = true;
        if (!ackEliciting) return;
        _ackElicitingSinceAck++;
        bool decimating = ++_ackElicitingReceived > DecimationStart;
        int threshold = decimating ? AckElicitingThreshold : Math.Min(2, AckElicitingThreshold);
        if (_space != PacketSpace.ApplicationData || (outOfOrder && !_ignoreOrder) || _ackElicitingSinceAck >= threshold)
        {
            _immediate = true;
        }
        else
        {
            // The quarter-RTT bound is our own choice for a peer that said nothing; one that asked for a delay with
            // ACK_FREQUENCY gets it.
            var delay = decimating && !_peerRequested && smoothedRtt > TimeSpan.Zero && smoothedRtt / 4 < MaxAckDelay ? smoothedRtt / 4 : MaxAckDelay;
            // A quarter of a loopback or LAN RTT is below what a timer resolves (the drivers' wheel has 1 ms slots): the
            // ACK then goes out with the replies to the burst of datagrams being processed, which covers the burst just as
            // well, instead of waking a timer, a thread and the connection once more per burst. RFC 9000 §13.2.1 only bounds
            // the delay from above (max_ack_delay).
            if (delay < s_minTimerDelay)
                _immediate = true;
            else
                AckDeadline ??= now + delay;
        }
    }

    /// <summary>
    /// Acknowledges as an ACK_FREQUENCY frame asks (draft-ietf-quic-ack-frequency-11 §6): at once after more than
    /// <paramref name="ackElicitingThreshold"/> ack-eliciting packets, otherwise within <paramref name="maxAckDelay"/>
    /// (no quarter-RTT bound); a <paramref name="reorderingThreshold"/> of 0 stops out-of-order packets from being
    /// acknowledged at once. Any other reordering threshold keeps RFC 9000 §13.2.1's immediate ACK for every
    /// out-of-order packet, which acknowledges at least as often as asked (§6.2). The connection's first
    /// <see cref="DecimationStart"/> packets are still acknowledged every second packet (more often than asked, also allowed).
    /// </summary>
    public void ApplyAckFrequency(ulong ackElicitingThreshold, TimeSpan maxAckDelay, ulong reorderingThreshold)
    {
        _peerRequested = true;
        AckElicitingThreshold = (int)Math.Min(ackElicitingThreshold + 1, int.MaxValue);
        MaxAckDelay = maxAckDelay;
        _ignoreOrder = reorderingThreshold == 0;
        // A pending deadline set under the old delay stays: an earlier ACK is never wrong.
    }

    /// <summary>The peer asked for an acknowledgement now (IMMEDIATE_ACK).</summary>
    public void RequestImmediateAck() => _immediate = true;

    /// <summary>True when an ACK must be sent at <paramref name="now"/>.</summary>
    public bool ShouldSendAck(Instant now) => _immediate || (AckDeadline is { } d && d <= now);

    /// <summary>Builds the ACK frame content (ack delay encoded with <paramref name="ackDelayExponent"/>, §19.3).</summary>
    public AckToSend? BuildAck(Instant now, int ackDelayExponent)
    {
        if (_received.IsEmpty) return null;
        var ranges = new AckRange[_received.Count];
        for (int i = _received.Count - 1, j = 0; i >= 0; i--, j++)
        {
            var (s, e) = _received[i];
            ranges[j] = new AckRange(s, e - 1);
        }
        long micros = Math.Max(0, (now - LargestReceivedTime).Ticks / 10);
        ulong delay = _space == PacketSpace.ApplicationData ? (ulong)micros >> ackDelayExponent : 0;
        return new AckToSend(ranges, delay);
    }

    /// <summary>An ACK frame was put in a packet: the delayed-ack state resets.</summary>
    public void OnAckSent()
    {
        _ackElicitingSinceAck = 0;
        _immediate = false;
        _newSinceAck = false;
        AckDeadline = null;
    }

    /// <summary>
    /// The peer acknowledged a packet carrying our ACK up to <paramref name="largestAcked"/>: ranges at or below it
    /// need not be reported again (§13.2.4).
    /// </summary>
    public void OnAckOfAck(ulong largestAcked)
    {
        // Keep the largest range boundary so ordering decisions stay right; forget everything older.
        if (largestAcked == 0) return;
        _received.RemoveBelow(largestAcked);
        _ignoreBelow = Math.Max(_ignoreBelow, largestAcked);
    }
}
