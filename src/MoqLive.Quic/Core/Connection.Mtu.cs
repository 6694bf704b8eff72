using MoqLive.Quic.Congestion;
using MoqLive.Quic.Frames;
using MoqLive.Quic.Packets;
using MoqLive.Quic.Recovery;

namespace MoqLive.Quic.Core;

/// <summary>Path MTU discovery (RFC 9000 §14.3): probe packets, and the packet size they confirm.</summary>
internal sealed partial class Connection
{
    /// <summary>
    /// Loss events in a row that lost packets larger than the base size while acknowledging none (RFC 8899 §4.3):
    /// this many mean the path no longer carries the confirmed size.
    /// </summary>
    internal const int BlackHoleThreshold = 3;

    /// <summary>
    /// Consecutive PTOs (RFC 9002 §6.2) with packets larger than the base size in flight after which the path counts
    /// as a black hole: when every packet is full-sized and none arrives, no ACK ever declares a loss, so the loss
    /// signal above never comes.
    /// </summary>
    internal const int BlackHolePtoThreshold = 2;

    // Packet number of the outstanding probe on the current path; a probe from an earlier path confirms nothing.
    private ulong? _mtuProbe;
    // The route's largest UDP payload as the driver learned it (RFC 8899 §5.1.2: the PLPMTU never exceeds the local
    // interface's MTU); int.MaxValue while unknown.
    private int _routeUdpPayloadLimit = int.MaxValue;
    private int _blackHoleSuspicions;

    private MtuDiscovery? NewMtuDiscovery()
    {
        int bound = Math.Min(_options.MtuDiscoveryUpperBound, _routeUdpPayloadLimit);
        return _options.DiscoversPathMtu && bound > _maxUdpPayload ? new MtuDiscovery(_maxUdpPayload, bound) : null;
    }

    /// <summary>
    /// Caps path MTU discovery by the largest UDP payload the route to the peer carries (the outgoing interface's MTU
    /// minus IP and UDP headers, which the driver asks the OS for), so the search does not send probes the first hop
    /// cannot carry. Sizes at or below the current packet size end the search.
    /// </summary>
    public void LimitPathMtu(int maxUdpPayload)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxUdpPayload);
        _routeUdpPayloadLimit = maxUdpPayload;
        _mtu?.LimitTo(maxUdpPayload);
    }

    /// <summary>
    /// The size of the probe due, or null: only once the handshake is confirmed (RFC 9000 §14.3.1), and only when the
    /// congestion window can hold it, since a probe consumes window like any packet (§14.4).
    /// </summary>
    private int? MtuProbeSizeDue(int bufferLength, bool closing, bool paced)
    {
        if (_mtu?.NextProbeSize is not { } size || closing || paced || !_loss.HandshakeConfirmed || _sendKey is null) return null;
        if (State != ConnectionState.Established || size > bufferLength) return null;
        return (ulong)size <= _loss.Congestion.Window ? size : null;
    }

    /// <summary>
    /// Writes a probe datagram of exactly <paramref name="size"/> bytes: one 1-RTT packet with PING and PADDING
    /// (RFC 9000 §14.4), ack-eliciting so its acknowledgement confirms the size.
    /// </summary>
    private void WriteMtuProbe(Instant now, Span<byte> buffer, int size)
    {
        var s = _spaces[(int)PacketSpace.ApplicationData];
        if (NeedsKeyUpdate) InitiateKeyUpdate();
        ulong pn = s.NextPacketNumber;
        int pnLen = PacketNumber.GetEncodedLength(pn, _loss[PacketSpace.ApplicationData].LargestAcked);
        int headerLength = PacketHeaderWriter.WriteShortHeader(buffer, RemoteConnectionId, pn, pnLen, _keyPhase);
        int end = size - AeadTag;
        buffer[headerLength] = (byte)FrameType.Ping;
        buffer[(headerLength + 1)..end].Clear(); // PADDING frames are zero bytes
        s.NextPacketNumber = pn + 1;
        var sent = _loss.RentPacket();
        sent.IsMtuProbe = true;
        var pending = new PendingPacket
        {
            Space = PacketSpace.ApplicationData,
            Start = 0,
            HeaderLength = headerLength,
            PnOffset = headerLength - pnLen,
            End = end,
            PacketNumber = pn,
            Sent = sent,
            AckEliciting = true,
        };
        Seal(ref pending, buffer, now);
        _mtuProbe = pn;
        _mtu!.OnProbeSent(size);
        Stats.MtuProbesSent++;
    }

    /// <summary>
    /// Black hole detection (RFC 8899 §4.3, RFC 9000 §14.4) after one ACK frame or loss timeout of the application data
    /// space: an event that lost packets above the base size (not probes, not ones larger than today's size) while
    /// acknowledging none above it is suspicious; an acknowledged large packet clears the suspicion.
    /// </summary>
    private void OnMtuLossEvent(List<SentPacket>? acked, List<SentPacket>? lost)
    {
        if (_mtu is null || _maxUdpPayload <= _mtu.Base) return;
        if (acked is not null)
        {
            foreach (var p in acked)
            {
                if (p.Size <= _mtu.Base) continue;
                _blackHoleSuspicions = 0;
                return;
            }
        }
        if (lost is null) return;
        foreach (var p in lost)
        {
            if (p.IsMtuProbe || p.Size <= _mtu.Base || p.Size > _maxUdpPayload) continue;
            if (++_blackHoleSuspicions >= BlackHoleThreshold) OnBlackHole();
            return;
        }
    }

    /// <summary>A PTO fired in the application data space: the second in a row with large packets unacknowledged is a black hole.</summary>
    private void OnMtuPto()
    {
        if (_mtu is null || _maxUdpPayload <= _mtu.Base || _loss.PtoCount < BlackHolePtoThreshold) return;
        foreach (var p in _loss.Outstanding(PacketSpace.ApplicationData))
        {
            if (p.IsMtuProbe || p.Size <= _mtu.Base) continue;
            OnBlackHole();
            return;
        }
    }

    /// <summary>
    /// Falls back to the base size (RFC 8899 §5.2), so that what is left, the PTO probes first, fits the path again,
    /// and searches anew below the size that stopped arriving. Losses of packets sent at the larger size count as
    /// congestion as any loss does: the window was sized for a path that has changed.
    /// </summary>
    private void OnBlackHole()
    {
        _blackHoleSuspicions = 0;
        if (!_mtu!.OnBlackHole()) return;
        _mtuProbe = null;
        Stats.MtuBlackHoles++;
        SetMaxUdpPayload(_mtu.Confirmed);
    }

    private void SetMaxUdpPayload(int size)
    {
        _maxUdpPayload = size;
        _loss.Congestion.OnMaxDatagramSizeChanged(_maxUdpPayload);
        _pacer = new Pacer(_maxUdpPayload);
    }

    private void OnMtuProbeAcked(SentPacket probe)
    {
        if (probe.PacketNumber != _mtuProbe || _mtu is null) return;
        _mtuProbe = null;
        if (!_mtu.OnProbeAcked(probe.Size)) return;
        _blackHoleSuspicions = 0;
        SetMaxUdpPayload(_mtu.Confirmed);
    }

    private void OnMtuProbeLost(SentPacket probe)
    {
        if (probe.PacketNumber != _mtuProbe || _mtu is null) return;
        _mtuProbe = null;
        _mtu.OnProbeLost(probe.Size);
    }
}
