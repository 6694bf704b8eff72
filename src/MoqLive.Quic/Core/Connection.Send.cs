using System.Buffers;
using System.Text;
using MoqLive.Quic.Frames;
using MoqLive.Quic.Packets;
using MoqLive.Quic.Recovery;
using MoqLive.Quic.Streams;
using MoqLive.Transport.Encoding;

namespace MoqLive.Quic.Core;

/// <summary>Send path: choose frames per space, coalesce packets into a datagram, pad, protect, record for recovery.</summary>
internal sealed partial class Connection
{
    private const int AeadTag = 16;
    private const int MinInitialDatagram = 1200;

    private readonly PendingPacket[] _pendingPackets = new PendingPacket[3];

    private struct PendingPacket
    {
        public PacketSpace Space;
        public int Start;
        public int HeaderLength;
        public int PnOffset;
        public int End; // end of frames (before tag)
        public ulong PacketNumber;
        public LongHeaderLayout? Layout;
        // Rented from loss detection in BuildPacket; handed to it in Seal.
        public SentPacket Sent;
        public bool AckEliciting;
    }

    /// <summary>Writes the next datagram into <paramref name="writer"/>; null when there is nothing to send now.</summary>
    public Transmit? PollTransmit(Instant now, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var span = writer.GetSpan(_maxUdpPayload);
        if (!PollTransmit(now, span, out var t)) return null;
        writer.Advance(t.Size);
        return t;
    }

    /// <summary>
    /// Writes the next datagram to send into <paramref name="buffer"/> (at least <see cref="ConnectionOptions.MaxUdpPayloadSize"/>
    /// bytes). Returns false when nothing can be sent now (nothing pending, or blocked by congestion control,
    /// pacing or the anti-amplification limit); call again after the next input or timeout.
    /// </summary>
    public bool PollTransmit(Instant now, Span<byte> buffer, out Transmit transmit)
    {
        transmit = default;
        if (State is ConnectionState.Draining or ConnectionState.Drained) return false;
        int limit = Math.Min(buffer.Length, _maxUdpPayload);
        ulong budget = AmplificationBudget;
        if (budget < (ulong)limit) limit = (int)budget;
        if (limit < 64 || (IsServer && !_addressValidated && limit < MinInitialDatagram)) return false;

        bool closing = State == ConnectionState.Closing;
        if (closing && !_closeFramePending) return false;
        bool cwndOk = _loss.BytesInFlight + (ulong)_maxUdpPayload <= _loss.Congestion.Window;
        bool paced = false;
        if (!closing && _options.Pacing && _loss.Rtt.HasSample && _pacer.Delay(now, _maxUdpPayload, _loss.Congestion.Window, _loss.Rtt.Smoothed) is { } wait)
        {
            paced = true;
            _pacingDeadline = wait;
        }

        // A path MTU probe is a datagram of its own, larger than the others (RFC 9000 §14.4).
        // Data waits while the window drains for it ("PMTU probes consume congestion window, which could delay subsequent
        // transmission"); otherwise a bulk sender that keeps the window full would never probe.
        if (MtuProbeSizeDue(buffer.Length, closing, paced) is { } probeSize)
        {
            if (_loss.BytesInFlight + (ulong)probeSize <= _loss.Congestion.Window)
            {
                WriteMtuProbe(now, buffer, probeSize);
                _bytesSent += (ulong)probeSize;
                Stats.BytesSent += probeSize;
                transmit = new Transmit(_remote, probeSize);
                return true;
            }
            cwndOk = false;
        }

        var packets = _pendingPackets;
        int count = 0;
        int offset = 0;
        bool hasInitial = false, ackElicitingInitial = false;
        for (int i = 0; i < 3; i++)
        {
            var space = (PacketSpace)i;
            var s = _spaces[i];
            if (s.Keys is null || s.Discarded) continue;
            if (space == PacketSpace.ApplicationData && (_sendKey is null || !_tls.IsHandshakeComplete)) continue;
            if (limit - offset < 64) break;
            bool probe = s.ProbesOwed > 0;
            bool allowData = !closing && (probe || (cwndOk && !(paced && space == PacketSpace.ApplicationData)));
            if (!WantsToSend(now, space, allowData, closing)) continue;
            if (space == PacketSpace.ApplicationData && NeedsKeyUpdate)
            {
                InitiateKeyUpdate();
            }
            var p = BuildPacket(now, space, buffer[..limit], offset, allowData, closing);
            if (p is not { } built) continue;
            packets[count++] = built;
            offset = built.End + AeadTag;
            if (space == PacketSpace.Initial)
            {
                hasInitial = true;
                ackElicitingInitial |= built.AckEliciting;
            }
            // RFC 9000 §12.2: a short-header packet has no length, so nothing can follow it.
            if (space == PacketSpace.ApplicationData) break;
        }
        if (count == 0) return false;
        if (closing) _closeFramePending = false;

        // RFC 9000 §14.1: datagrams with a client Initial (or a server's ack-eliciting Initial) are at least 1200 bytes.
        ref var last = ref packets[count - 1];
        if (hasInitial && (!IsServer || ackElicitingInitial) && offset < MinInitialDatagram && limit >= MinInitialDatagram)
        {
            int pad = MinInitialDatagram - offset;
            buffer.Slice(last.End, pad).Clear();
            last.End += pad;
            offset += pad;
        }

        for (int i = 0; i < count; i++)
        {
            ref var p = ref packets[i];
            Seal(ref p, buffer, now);
        }
        _bytesSent += (ulong)offset;
        Stats.BytesSent += offset;
        transmit = new Transmit(_remote, offset);
        return true;
    }

    private bool WantsToSend(Instant now, PacketSpace space, bool allowData, bool closing)
    {
        var s = _spaces[(int)space];
        if (closing) return _closeFramePending;
        if (s.ReceivedPackets.ShouldSendAck(now)) return true;
        if (!allowData) return false;
        if (s.ProbesOwed > 0 || s.PingPending) return true;
        if (s.CryptoSend.HasRetransmits || s.CryptoSend.HasUnsent) return true;
        if (space != PacketSpace.ApplicationData) return false;
        return _handshakeDonePending || _ackFrequencyPending || _pathChallengePending || _pathResponses.Count > 0 || _newCidPending.Count > 0 || _retirePending.Count > 0
            || _datagramsToSend.Count > 0 || Streams.WantsToSend;
    }

    private PendingPacket? BuildPacket(Instant now, PacketSpace space, Span<byte> buf, int start, bool allowData, bool closing)
    {
        var s = _spaces[(int)space];
        ulong pn = s.NextPacketNumber;
        int pnLen = PacketNumber.GetEncodedLength(pn, _loss[space].LargestAcked);
        var dcid = RemoteConnectionId;
        var pkt = buf[start..];
        int headerLength;
        LongHeaderLayout? layout = null;
        if (space == PacketSpace.ApplicationData)
        {
            headerLength = PacketHeaderWriter.WriteShortHeader(pkt, dcid, pn, pnLen, _keyPhase);
        }
        else
        {
            var type = space == PacketSpace.Initial ? PacketType.Initial : PacketType.Handshake;
            var token = type == PacketType.Initial && !IsServer ? _retryToken : [];
            var l = PacketHeaderWriter.WriteLongHeader(pkt, type, QuicVersion.Version1, dcid, _localCids.Values.First().Cid,
                token, pn, pnLen);
            layout = l;
            headerLength = l.HeaderLength;
        }
        int pnOffset = headerLength - pnLen;
        var payload = pkt[headerLength..^AeadTag];
        if (payload.Length < 8) return null;
        int pos = 0;
        var sent = _loss.RentPacket();
        var frames = sent.Frames;
        bool ackEliciting = false;

        // ACK first: always when due, and piggybacked on anything else we send in this space.
        if (!closing && (s.ReceivedPackets.ShouldSendAck(now) || (allowData && s.ReceivedPackets.HasNewPackets)))
        {
            if (s.ReceivedPackets.BuildAck(now, space == PacketSpace.ApplicationData ? _options.AckDelayExponent : 0) is { } ack)
            {
                int n = AckFrame.GetRangeCountThatFits(ack.Ranges, ack.AckDelayEncoded, null, payload.Length - pos);
                if (n > 0)
                {
                    pos += AckFrame.Write(payload[pos..], ack.Ranges.AsSpan(0, n), ack.AckDelayEncoded);
                    frames.LargestAckSent = ack.Largest;
                    s.ReceivedPackets.OnAckSent();
                }
            }
        }

        if (closing)
        {
            pos += WriteClose(payload[pos..], space);
        }
        else if (allowData)
        {
            if (space == PacketSpace.ApplicationData)
            {
                pos = WriteApplicationControl(now, payload, pos, frames, ref ackEliciting);
            }
            pos = WriteCrypto(s, payload, pos, frames, ref ackEliciting);
            if (space == PacketSpace.ApplicationData)
            {
                pos = WriteDatagrams(payload, pos, ref ackEliciting);
                pos = WriteStreams(payload, pos, frames, ref ackEliciting);
            }
            if (!ackEliciting && (s.ProbesOwed > 0 || s.PingPending) && pos < payload.Length)
            {
                payload[pos++] = (byte)FrameType.Ping;
                ackEliciting = true;
            }
        }
        if (pos == 0)
        {
            _loss.ReturnUnsent(sent);
            return null;
        }
        // Header protection samples 16 bytes starting 4 after the packet number (RFC 9001 §5.4.2).
        while (pnLen + pos < 4) payload[pos++] = (byte)FrameType.Padding;
        if (ackEliciting)
        {
            s.PingPending = false;
            if (s.ProbesOwed > 0) s.ProbesOwed--;
        }
        s.NextPacketNumber = pn + 1;
        return new PendingPacket
        {
            Space = space,
            Start = start,
            HeaderLength = headerLength,
            PnOffset = pnOffset,
            End = start + headerLength + pos,
            PacketNumber = pn,
            Layout = layout,
            Sent = sent,
            AckEliciting = ackEliciting,
        };
    }

    private int WriteClose(Span<byte> payload, PacketSpace space)
    {
        var info = _closeInfo!;
        var reason = Encoding.UTF8.GetBytes(info.Reason);
        int room = payload.Length - 32;
        if (reason.Length > room) reason = reason[..Math.Max(0, room)];
        ConnectionCloseFrame frame = info.IsApplicationError
            ? space == PacketSpace.ApplicationData
                ? new ConnectionCloseFrame(true, info.ErrorCode, 0, reason)
                // RFC 9000 §10.2.3: an application close before 1-RTT is sent as APPLICATION_ERROR without details.
                : ConnectionCloseFrame.FromTransportError(TransportErrorCode.ApplicationError, 0, ReadOnlySpan<byte>.Empty)
            : ConnectionCloseFrame.FromTransportError((TransportErrorCode)info.ErrorCode, info.FrameType, reason);
        return frame.Write(payload);
    }

    private int WriteCrypto(PacketSpaceState s, Span<byte> payload, int pos, SentFrames frames, ref bool ackEliciting)
    {
        while (payload.Length - pos > 16)
        {
            int room = payload.Length - pos - 1 - 8 - 4;
            if (!s.CryptoSend.TryNextRange(room, ulong.MaxValue, out ulong off, out int len, out _)) break;
            pos += CryptoFrame.WriteHeader(payload[pos..], off, len);
            s.CryptoSend.CopyTo(off, payload.Slice(pos, len));
            pos += len;
            (frames.Crypto ??= new()).Add((off, len));
            ackEliciting = true;
        }
        return pos;
    }

    private int WriteApplicationControl(Instant now, Span<byte> payload, int pos, SentFrames frames, ref bool ackEliciting)
    {
        if (_handshakeDonePending && payload.Length - pos >= 1)
        {
            payload[pos++] = (byte)FrameType.HandshakeDone;
            _handshakeDonePending = false;
            (frames.Other ??= new()).Add(HandshakeDoneMarker.Instance);
            ackEliciting = true;
        }
        pos = WriteAckFrequency(payload, pos, frames, ref ackEliciting);
        if (_pathChallengePending && _pathChallengeData is { } challenge && payload.Length - pos >= 9)
        {
            pos += new PathChallengeFrame(challenge).Write(payload[pos..]);
            _pathChallengePending = false;
            ackEliciting = true;
        }
        while (_pathResponses.Count > 0 && payload.Length - pos >= 9)
        {
            pos += new PathResponseFrame(_pathResponses.Dequeue()).Write(payload[pos..]);
            ackEliciting = true;
        }
        while (_newCidPending.Count > 0 && payload.Length - pos >= 64)
        {
            ulong seq = _newCidPending.Dequeue();
            if (!_localCids.TryGetValue(seq, out var entry)) continue;
            var f = new NewConnectionIdFrame(seq, 0, entry.Cid, entry.Token!.Value);
            pos += f.Write(payload[pos..]);
            (frames.Other ??= new()).Add(new NewCidMarker(seq));
            ackEliciting = true;
        }
        while (_retirePending.Count > 0 && payload.Length - pos >= 9)
        {
            ulong seq = _retirePending.Dequeue();
            pos += new RetireConnectionIdFrame(seq).Write(payload[pos..]);
            (frames.Other ??= new()).Add(new RetireCidMarker(seq));
            ackEliciting = true;
        }
        while (payload.Length - pos >= 32 && Streams.TryPollControlFrame(now, _loss.Rtt.Smoothed, out var c))
        {
            pos += WriteStreamControl(payload[pos..], c);
            (frames.StreamControl ??= new()).Add(c);
            ackEliciting = true;
        }
        return pos;
    }

    private static int WriteStreamControl(Span<byte> d, in StreamControlFrame c) => c.Kind switch
    {
        StreamControlKind.MaxData => new MaxDataFrame(c.Value).Write(d),
        StreamControlKind.MaxStreamData => new MaxStreamDataFrame(c.StreamId.Value, c.Value).Write(d),
        StreamControlKind.MaxStreamsBidi => new MaxStreamsFrame(true, c.Value).Write(d),
        StreamControlKind.MaxStreamsUni => new MaxStreamsFrame(false, c.Value).Write(d),
        StreamControlKind.ResetStream => new ResetStreamFrame(c.StreamId.Value, c.Value, c.FinalSize).Write(d),
        StreamControlKind.StopSending => new StopSendingFrame(c.StreamId.Value, c.Value).Write(d),
        StreamControlKind.DataBlocked => new DataBlockedFrame(c.Value).Write(d),
        StreamControlKind.StreamDataBlocked => new StreamDataBlockedFrame(c.StreamId.Value, c.Value).Write(d),
        StreamControlKind.StreamsBlockedBidi => new StreamsBlockedFrame(true, c.Value).Write(d),
        StreamControlKind.StreamsBlockedUni => new StreamsBlockedFrame(false, c.Value).Write(d),
        _ => throw new InvalidOperationException(),
    };

    private int WriteDatagrams(Span<byte> payload, int pos, ref bool ackEliciting)
    {
        while (_datagramsToSend.Count > 0)
        {
            var d = _datagramsToSend.Peek();
            int len = DatagramFrameLength(d);
            if (len > payload.Length - pos)
            {
                // Too big for what is left: it goes first in the next packet, unless it can never fit.
                if (pos == 0) _datagramsToSend.Dequeue();
                break;
            }
            _datagramsToSend.Dequeue();
            pos += new DatagramFrame(d).Write(payload[pos..], withLength: true);
            Stats.DatagramsSent++;
            ackEliciting = true;
        }
        return pos;
    }

    private int WriteStreams(Span<byte> payload, int pos, SentFrames frames, ref bool ackEliciting)
    {
        // Worst-case STREAM header: type + 8-byte ID + 8-byte offset + 2-byte length.
        const int MaxHeader = 1 + 8 + 8 + 2;
        while (payload.Length - pos > MaxHeader + 1)
        {
            int room = payload.Length - pos - MaxHeader;
            if (!Streams.TryPollStreamChunk(room, out var chunk)) break;
            pos += StreamFrame.WriteHeader(payload[pos..], chunk.Id.Value, chunk.Offset, chunk.Length, chunk.Fin, withLength: true);
            Streams.CopyData(chunk, payload.Slice(pos, chunk.Length));
            pos += chunk.Length;
            frames.AddStream(chunk);
            ackEliciting = true;
        }
        return pos;
    }

    private void Seal(ref PendingPacket p, Span<byte> buffer, Instant now)
    {
        var s = _spaces[(int)p.Space];
        int payloadLength = p.End - p.Start - p.HeaderLength;
        var pkt = buffer.Slice(p.Start, p.HeaderLength + payloadLength + AeadTag);
        if (p.Layout is { } layout)
        {
            PacketHeaderWriter.FinishLength(pkt, layout, payloadLength + AeadTag);
            s.Keys!.Local.Packet.Encrypt(p.PacketNumber, pkt, p.HeaderLength);
            s.Keys.Local.Header.Protect(pkt, p.PnOffset);
        }
        else
        {
            _sendKey!.Encrypt(p.PacketNumber, pkt, p.HeaderLength);
            s.Keys!.Local.Header.Protect(pkt, p.PnOffset);
            _packetsWithKey++;
        }
        Stats.PacketsSent++;
        var sent = p.Sent;
        p.Sent = null!;
        sent.PacketNumber = p.PacketNumber;
        sent.TimeSent = now;
        sent.Size = pkt.Length;
        sent.AckEliciting = p.AckEliciting;
        sent.InFlight = p.AckEliciting;
        sent.AppLimited = p.Space == PacketSpace.ApplicationData && !Streams.WantsToSend;
        _loss.OnPacketSent(p.Space, sent);
        if (sent.InFlight) _pacer.OnSent(sent.Size);
        if (p.AckEliciting) ResetIdleTimerOnSend(now);
        if (!IsServer && p.Space == PacketSpace.Handshake)
        {
            // RFC 9001 §4.9.1: a client discards Initial keys when it first sends a Handshake packet.
            DiscardSpace(PacketSpace.Initial);
        }
    }

    private void ResetIdleTimerOnSend(Instant now)
    {
        // RFC 9000 §10.1: restart the idle timer when sending the first ack-eliciting packet after receiving one.
        if (_ackElicitingSentSinceReceive) return;
        _ackElicitingSentSinceReceive = true;
        ResetIdleTimer(now);
    }

    private static int VarLen(ulong v) => QuicVarInt.GetEncodedLength(v);
}
