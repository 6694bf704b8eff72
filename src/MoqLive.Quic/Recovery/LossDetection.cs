using MoqLive.Quic.Congestion;

namespace MoqLive.Quic.Recovery;

/// <summary>What an ACK frame did: packets newly acknowledged and packets newly declared lost.</summary>
internal sealed class AckOutcome
{
    public List<SentPacket> Acked { get; } = new();

    public List<SentPacket> Lost { get; } = new();
}

/// <summary>What the loss-detection timer asked for when it fired; <see cref="Lost"/> is valid until the next call.</summary>
internal readonly record struct TimeoutOutcome(PacketSpace Space, List<SentPacket>? Lost, int ProbesToSend);

/// <summary>
/// Loss detection and PTO for all packet number spaces (RFC 9002 §6 and Appendix A): tracks sent packets, processes
/// ACK frames, declares packets lost by packet and time threshold, arms the loss/PTO timer with exponential backoff
/// (including the client's anti-deadlock PTO), detects persistent congestion, and feeds the congestion controller.
/// </summary>
/// <remarks>
/// Sent-packet records come from <see cref="RentPacket"/> and belong to loss detection from
/// <see cref="OnPacketSent"/> on. A record that leaves (acknowledged or lost) is reported in an outcome and goes back
/// to the pool at the next <see cref="OnAckReceived"/> (acknowledged and lost by ACK) or <see cref="OnTimeout"/>
/// (lost by timer); records of a discarded space go back at once. A rented record that is not sent goes back
/// through <see cref="ReturnUnsent"/>.
/// </remarks>
internal sealed class LossDetection
{
    /// <summary>kPacketThreshold.</summary>
    public const int PacketThreshold = 3;

    /// <summary>kPersistentCongestionThreshold.</summary>
    public const int PersistentCongestionThreshold = 3;

    private readonly PacketSpaceRecovery[] _spaces = [new(), new(), new()];
    private readonly bool _isServer;
    private Instant? _firstRttSample;
    private readonly AckOutcome _ackOutcome = new();
    private readonly List<SentPacket> _timeoutLost = new();
    private readonly SentPacketPool _pool = new();
    // Outstanding packets up to the largest acknowledged, copied so loss detection can remove them while scanning.
    private readonly List<SentPacket> _lossCandidates = new();

    private readonly RandomLossFilter _randomLoss;

    // randomLossTolerance: the loss rate below which losses are random, not congestion (RandomLossFilter); 0 for
    // RFC 9002's every loss is congestion.
    public LossDetection(bool isServer, ICongestionController congestion, TimeSpan initialRtt, double randomLossTolerance = 0)
    {
        _isServer = isServer;
        _randomLoss = new RandomLossFilter(randomLossTolerance);
        Congestion = congestion;
        Rtt = new RttEstimator(initialRtt);
    }

    public RttEstimator Rtt { get; private set; }

    public ICongestionController Congestion { get; private set; }

    /// <summary>
    /// A new network path (RFC 9000 §9.4): fresh RTT estimate and congestion controller. Packets in flight stay
    /// tracked for acknowledgement and loss, but no longer count toward the new controller's window.
    /// </summary>
    public void ResetForNewPath(TimeSpan initialRtt, ICongestionController congestion)
    {
        Rtt = new RttEstimator(initialRtt);
        Congestion = congestion;
        _firstRttSample = null;
        PtoCount = 0;
    }

    public ulong BytesInFlight { get; private set; }

    public int PtoCount { get; private set; }

    /// <summary>The peer's max_ack_delay transport parameter (RFC 9000 §18.2; default 25 ms).</summary>
    public TimeSpan PeerMaxAckDelay { get; set; } = TimeSpan.FromMilliseconds(25);

    public bool HandshakeConfirmed { get; set; }

    public bool HasHandshakeKeys { get; set; }

    /// <summary>
    /// True when the peer has validated our address: always on a server; on a client once it got a Handshake ACK or
    /// the handshake is confirmed (RFC 9002 §6.2.2.1).
    /// </summary>
    public bool PeerCompletedAddressValidation
    {
        get => _isServer || _peerValidated;
        set => _peerValidated = value;
    }

    private bool _peerValidated;
    private Instant? _lastActivity;

    public PacketSpaceRecovery this[PacketSpace space] => _spaces[(int)space];

    public bool AnyAckElicitingInFlight => _spaces.Any(s => s.AckElicitingInFlight > 0);

    /// <summary>Free sent-packet records held for reuse.</summary>
    public int PooledPackets => _pool.Count;

    /// <summary>A cleared sent-packet record to fill and pass to <see cref="OnPacketSent"/> (or <see cref="ReturnUnsent"/>).</summary>
    public SentPacket RentPacket() => _pool.Rent();

    /// <summary>Takes back a record from <see cref="RentPacket"/> that was never passed to <see cref="OnPacketSent"/>.</summary>
    public void ReturnUnsent(SentPacket packet) => _pool.Return(packet);

    public void OnPacketSent(PacketSpace space, SentPacket packet)
    {
        var s = _spaces[(int)space];
        s.Add(packet);
        s.LargestSent = packet.PacketNumber;
        if (!packet.InFlight) return;
        if (packet.AckEliciting)
        {
            s.TimeOfLastAckEliciting = packet.TimeSent;
            s.AckElicitingInFlight++;
            _lastActivity = packet.TimeSent;
        }
        BytesInFlight += (ulong)packet.Size;
        Congestion.OnPacketSent(packet.TimeSent, packet.Size);
    }

    /// <summary>
    /// Processes an ACK frame (RFC 9002 §A.7). <paramref name="ranges"/> are inclusive (smallest, largest) pairs in
    /// descending order; <paramref name="ackDelay"/> is the decoded ack delay. Throws PROTOCOL_VIOLATION when a
    /// packet we never sent is acknowledged. The outcome is reused: it is valid until the next call.
    /// </summary>
    public AckOutcome OnAckReceived(PacketSpace space, IReadOnlyList<(ulong Smallest, ulong Largest)> ranges, TimeSpan ackDelay, Instant now, ulong frameType)
    {
        // One outcome for every ACK (each is handled completely before the next): no lists allocated per ACK, and
        // the previous outcome's records, which left their space, are free for reuse now.
        var outcome = _ackOutcome;
        Recycle(outcome.Acked);
        Recycle(outcome.Lost);
        var s = _spaces[(int)space];
        if (ranges.Count == 0) return outcome;
        ulong largest = ranges[0].Largest;
        if (s.LargestSent is not { } sent || largest > sent)
            throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, frameType, $"ACK of unsent packet {largest} in {space}");
        s.LargestAcked = s.LargestAcked is { } la ? Math.Max(la, largest) : largest;

        // Ranges are descending (RFC 9000 §19.3.1), so collecting from the last one gives ascending packet numbers.
        for (int i = ranges.Count - 1; i >= 0; i--)
        {
            var (lo, hi) = ranges[i];
            s.CollectBetween(lo, hi, outcome.Acked);
        }
        if (outcome.Acked.Count == 0) return outcome;

        var largestNewly = outcome.Acked[^1];
        bool anyAckEliciting = false;
        foreach (var p in outcome.Acked) anyAckEliciting |= p.AckEliciting;
        if (largestNewly.PacketNumber == largest && anyAckEliciting)
        {
            var delay = space == PacketSpace.ApplicationData ? ackDelay : TimeSpan.Zero;
            if (HandshakeConfirmed && delay > PeerMaxAckDelay) delay = PeerMaxAckDelay;
            Rtt.Update(now - largestNewly.TimeSent, delay);
            _firstRttSample ??= now;
        }

        foreach (var p in outcome.Acked)
        {
            s.Remove(p.PacketNumber);
            if (p.InFlight)
            {
                BytesInFlight -= (ulong)p.Size;
                if (p.AckEliciting) s.AckElicitingInFlight--;
            }
        }
        _lastActivity = now;

        DetectAndRemoveLostPackets(space, now, outcome.Lost);
        OnPacketsLost(now, outcome.Lost);
        foreach (var p in outcome.Acked)
        {
            if (!p.InFlight) continue;
            _randomLoss.OnAcked();
            Congestion.OnPacketAcked(now, p.TimeSent, p.Size, p.AppLimited, Rtt);
        }

        // §A.7: reset the PTO backoff unless a client is still unvalidated (it must keep its anti-deadlock timer).
        if (PeerCompletedAddressValidation) PtoCount = 0;
        return outcome;
    }

    /// <summary>When the loss-detection timer should fire, or null (§A.8).</summary>
    public Instant? GetTimer(bool amplificationBlocked)
    {
        var (lossTime, _) = EarliestLossTime();
        if (lossTime.HasValue) return lossTime;
        // A server blocked by the anti-amplification limit can send nothing, so arming the timer is pointless.
        if (amplificationBlocked) return null;
        if (!AnyAckElicitingInFlight && PeerCompletedAddressValidation) return null;
        return PtoTimeAndSpace(null).Time;
    }

    /// <summary>Handles the loss-detection timer (§A.9). The caller sends <see cref="TimeoutOutcome.ProbesToSend"/> probes.</summary>
    public TimeoutOutcome OnTimeout(Instant now)
    {
        Recycle(_timeoutLost);
        var (lossTime, lossSpace) = EarliestLossTime();
        if (lossTime.HasValue)
        {
            var lost = _timeoutLost;
            DetectAndRemoveLostPackets(lossSpace, now, lost);
            OnPacketsLost(now, lost);
            return new TimeoutOutcome(lossSpace, lost, 0);
        }
        PacketSpace space;
        if (!AnyAckElicitingInFlight)
        {
            // Anti-deadlock (§6.2.2.1): the client probes with Handshake if it has keys, else a padded Initial.
            space = HasHandshakeKeys ? PacketSpace.Handshake : PacketSpace.Initial;
        }
        else
        {
            space = PtoTimeAndSpace(null).Space;
        }
        PtoCount++;
        return new TimeoutOutcome(space, null, 2);
    }

    /// <summary>Drops a space's state when its keys are discarded (§6.4): its packets leave bytes in flight.</summary>
    public void DiscardSpace(PacketSpace space)
    {
        var s = _spaces[(int)space];
        foreach (var p in s.Packets)
        {
            if (p.InFlight) BytesInFlight -= (ulong)p.Size;
            _pool.Return(p);
        }
        s.Clear();
        PtoCount = 0;
    }

    /// <summary>The packets of a space not yet acknowledged or lost, oldest first (for probes).</summary>
    public IEnumerable<SentPacket> Outstanding(PacketSpace space) => _spaces[(int)space].Packets;

    /// <summary>
    /// Current PTO duration (RFC 9002 §6.2.1), by default including max_ack_delay and the backoff of consecutive PTOs.
    /// </summary>
    public TimeSpan Pto(bool includeMaxAckDelay = true, bool includeBackoff = true) =>
        (Rtt.PtoBase + (includeMaxAckDelay ? PeerMaxAckDelay : TimeSpan.Zero)) * (includeBackoff ? Math.Pow(2, Math.Min(PtoCount, 20)) : 1);

    private void Recycle(List<SentPacket> packets)
    {
        foreach (var p in packets) _pool.Return(p);
        packets.Clear();
    }

    private (Instant? Time, PacketSpace Space) EarliestLossTime()
    {
        Instant? time = null;
        var space = PacketSpace.Initial;
        for (int i = 0; i < 3; i++)
        {
            if (_spaces[i].LossTime is { } t && (time is null || t < time))
            {
                time = t;
                space = (PacketSpace)i;
            }
        }
        return (time, space);
    }

    private (Instant? Time, PacketSpace Space) PtoTimeAndSpace(Instant? nowForDeadlock)
    {
        var backoff = Math.Pow(2, Math.Min(PtoCount, 20));
        var duration = Rtt.PtoBase * backoff;
        if (!AnyAckElicitingInFlight)
        {
            // Anti-deadlock timer: measured from our last ack-eliciting packet or received acknowledgement.
            var baseTime = _lastActivity ?? nowForDeadlock ?? Instant.Zero;
            return (baseTime + duration, HasHandshakeKeys ? PacketSpace.Handshake : PacketSpace.Initial);
        }
        Instant? ptoTime = null;
        var ptoSpace = PacketSpace.Initial;
        for (int i = 0; i < 3; i++)
        {
            var s = _spaces[i];
            if (s.AckElicitingInFlight == 0) continue;
            var d = duration;
            if (i == (int)PacketSpace.ApplicationData)
            {
                // §6.2.1: no application-data PTO before the handshake is confirmed.
                if (!HandshakeConfirmed) return (ptoTime, ptoSpace);
                d += PeerMaxAckDelay * backoff;
            }
            var t = s.TimeOfLastAckEliciting!.Value + d;
            if (ptoTime is null || t < ptoTime)
            {
                ptoTime = t;
                ptoSpace = (PacketSpace)i;
            }
        }
        return (ptoTime, ptoSpace);
    }

    private void DetectAndRemoveLostPackets(PacketSpace space, Instant now, List<SentPacket> lost)
    {
        var s = _spaces[(int)space];
        s.LossTime = null;
        if (s.LargestAcked is not { } largestAcked) return;
        var rtt = Rtt.Latest > Rtt.Smoothed ? Rtt.Latest : Rtt.Smoothed;
        var lossDelay = rtt * 9 / 8;
        if (lossDelay < RttEstimator.Granularity) lossDelay = RttEstimator.Granularity;
        var lostSendTime = now - lossDelay;
        var candidates = _lossCandidates;
        s.CollectBetween(0, largestAcked, candidates);
        foreach (var p in candidates)
        {
            if (p.TimeSent <= lostSendTime || largestAcked >= p.PacketNumber + PacketThreshold)
            {
                lost.Add(p);
                s.Remove(p.PacketNumber);
                if (p.InFlight)
                {
                    BytesInFlight -= (ulong)p.Size;
                    if (p.AckEliciting) s.AckElicitingInFlight--;
                }
            }
            else
            {
                var t = p.TimeSent + lossDelay;
                if (s.LossTime is null || t < s.LossTime) s.LossTime = t;
            }
        }
        candidates.Clear();
    }

    private void OnPacketsLost(Instant now, List<SentPacket> lost)
    {
        ulong lostBytes = 0;
        int lostPackets = 0;
        Instant? newest = null;
        foreach (var p in lost)
        {
            // RFC 9000 §14.4: a lost path MTU probe says the packet was too large, not that the path is congested.
            if (!p.InFlight || p.IsMtuProbe) continue;
            lostBytes += (ulong)p.Size;
            lostPackets++;
            newest = newest is null || p.TimeSent > newest ? p.TimeSent : newest;
        }
        if (newest is null) return;
        bool persistent = InPersistentCongestion(lost);
        bool congestion = _randomLoss.OnLost(lostPackets);
        if (persistent || congestion) Congestion.OnCongestionEvent(now, newest.Value, persistent, lostBytes);
    }

    /// <summary>
    /// §7.6: two ack-eliciting packets lost with every packet between them lost, spanning more than
    /// (smoothed_rtt + max(4*rttvar, kGranularity) + max_ack_delay) * 3, all sent after the first RTT sample.
    /// </summary>
    private bool InPersistentCongestion(List<SentPacket> lost)
    {
        if (_firstRttSample is not { } first || lost.Count < 2) return false;
        var period = (Rtt.PtoBase + PeerMaxAckDelay) * PersistentCongestionThreshold;
        SentPacket? runStart = null;
        ulong prevPn = 0;
        foreach (var p in lost.OrderBy(p => p.PacketNumber))
        {
            if (p.TimeSent <= first) { runStart = null; continue; }
            if (runStart is null || p.PacketNumber != prevPn + 1)
            {
                runStart = p.AckEliciting ? p : null;
            }
            else if (p.AckEliciting && runStart is not null && p.TimeSent - runStart.TimeSent > period)
            {
                return true;
            }
            if (runStart is null && p.AckEliciting) runStart = p;
            prevPn = p.PacketNumber;
        }
        return false;
    }
}
