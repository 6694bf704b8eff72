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
/// Handshake, after two ack-eliciting packets, or when a packet arrives out of order; otherwise within
/// max_ack_delay. Also detects duplicates (§12.3).
/// </summary>
internal sealed class ReceivedPackets
{
    /// <summary>How many ranges an ACK frame reports at most; older ranges are forgotten (§13.2.3).</summary>
    public const int MaxRanges = 64;

    private readonly RangeSet _received = new();
    private readonly PacketSpace _space;
    private ulong _ignoreBelow;
    private int _ackElicitingSinceAck;
    private bool _immediate;
    private bool _newSinceAck;

    public ReceivedPackets(PacketSpace space) => _space = space;

    /// <summary>Our max_ack_delay (RFC 9000 §18.2).</summary>
    public TimeSpan MaxAckDelay { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>Ack-eliciting packets to receive before acknowledging immediately (§13.2.2 recommends 2).</summary>
    public int AckElicitingThreshold { get; set; } = 2;

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

    /// <summary>Records a received (and successfully decrypted) packet.</summary>
    public void OnPacketReceived(ulong pn, bool ackEliciting, Instant now)
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
        if (_space != PacketSpace.ApplicationData || outOfOrder || _ackElicitingSinceAck >= AckElicitingThreshold)
        {
            _immediate = true;
        }
        else
        {
            AckDeadline ??= now + MaxAckDelay;
        }
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
