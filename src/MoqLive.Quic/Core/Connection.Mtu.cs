using MoqLive.Quic.Congestion;
using MoqLive.Quic.Frames;
using MoqLive.Quic.Packets;
using MoqLive.Quic.Recovery;

namespace MoqLive.Quic.Core;

/// <summary>Path MTU discovery (RFC 9000 §14.3): probe packets, and the packet size they confirm.</summary>
internal sealed partial class Connection
{
    // Packet number of the outstanding probe on the current path; a probe from an earlier path confirms nothing.
    private ulong? _mtuProbe;

    private MtuDiscovery? NewMtuDiscovery() =>
        _options.DiscoversPathMtu && _options.MtuDiscoveryUpperBound > _maxUdpPayload ? new MtuDiscovery(_maxUdpPayload, _options.MtuDiscoveryUpperBound) : null;

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

    private void OnMtuProbeAcked(SentPacket probe)
    {
        if (probe.PacketNumber != _mtuProbe || _mtu is null) return;
        _mtuProbe = null;
        if (!_mtu.OnProbeAcked(probe.Size)) return;
        _maxUdpPayload = _mtu.Confirmed;
        _loss.Congestion.OnMaxDatagramSizeChanged(_maxUdpPayload);
        _pacer = new Pacer(_maxUdpPayload);
    }

    private void OnMtuProbeLost(SentPacket probe)
    {
        if (probe.PacketNumber != _mtuProbe || _mtu is null) return;
        _mtuProbe = null;
        _mtu.OnProbeLost(probe.Size);
    }
}
