using System.Net;
using System.Text;
using MoqLive.Quic.Congestion;
using MoqLive.Quic.Frames;
using MoqLive.Quic.Packets;
using MoqLive.Quic.Recovery;
using MoqLive.Quic.Streams;
using MoqLive.Quic.Tls;
using MoqLive.Quic.TransportParameters;

namespace MoqLive.Quic.Core;

/// <summary>Receive path: datagrams → packets (header protection, decryption) → frames.</summary>
internal sealed partial class Connection
{
    private readonly Queue<ulong> _pathResponses = new();
    private bool _ackElicitingSentSinceReceive;
    // The ranges of the ACK frame being processed, reused for every ACK.
    private readonly List<(ulong, ulong)> _ackRanges = new();
    private Instant _lastReceiveTime;
    private bool _migrationCandidate;
    private byte[] _retryToken = [];
    private ConnectionId? _retrySourceCid;
    private ulong? _pathChallengeData;
    private bool _pathChallengePending;

    /// <summary>True while a PATH_CHALLENGE to the peer's current address is unanswered.</summary>
    public bool IsPathValidationPending => _pathChallengeData is not null;

    /// <summary>
    /// The peer's address changed (NAT rebinding or migration, RFC 9000 §9): send to the new address at once and
    /// validate it with PATH_CHALLENGE. A new IP address (not just a new port) also restarts congestion control
    /// and RTT estimation for the new path (§9.4).
    /// </summary>
    private void OnPeerAddressChanged(EndPoint remote)
    {
        bool portOnly = remote is System.Net.IPEndPoint n && _remote is System.Net.IPEndPoint o && n.Address.Equals(o.Address);
        _remote = remote;
        _routingVersion++;
        Span<byte> challenge = stackalloc byte[sizeof(ulong)];
        FillRandom(_rng, challenge);
        _pathChallengeData = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(challenge);
        _pathChallengePending = true;
        Stats.Migrations++;
        if (!portOnly)
        {
            // §14.3: a new path starts from the base packet size, and its MTU is discovered anew.
            _maxUdpPayload = _baseUdpPayload;
            _mtu = NewMtuDiscovery();
            _mtuProbe = null;
            _blackHoleSuspicions = 0;
            _mtu?.LimitTo((int)Math.Min(_peerParameters?.MaxUdpPayloadSize ?? QuicTransportParameters.DefaultMaxUdpPayloadSize, int.MaxValue));
            _pacer = new Pacer(_maxUdpPayload);
            _loss.ResetForNewPath(_options.InitialRtt, NewCongestionController());
        }
    }

    /// <summary>
    /// Processes one UDP datagram from <paramref name="remote"/> (possibly several coalesced packets). Undecryptable
    /// or unexpected packets are dropped; protocol violations close the connection.
    /// </summary>
    public void HandleDatagram(Instant now, EndPoint remote, ReadOnlySpan<byte> datagram)
    {
        if (State == ConnectionState.Drained) return;
        // Decryption works in place, so work on a copy the caller does not own.
        HandleDatagramInPlace(now, remote, datagram.ToArray());
    }

    /// <summary>
    /// <see cref="HandleDatagram"/> without the copy: packets are decrypted in <paramref name="buffer"/>, which the
    /// caller owns and may reuse as soon as this returns (nothing keeps a reference to it).
    /// </summary>
    public void HandleDatagramInPlace(Instant now, EndPoint remote, Span<byte> buffer)
    {
        if (State == ConnectionState.Drained) return;
        if (IsServer && !_addressValidated) _bytesReceived += (ulong)buffer.Length;
        _lastReceiveTime = now;
        DiscardPreviousKeyIfDue(now);
        bool anyProcessed = false;
        try
        {
            var reader = new CoalescedPacketReader(buffer, _options.ConnectionIdLength);
            while (reader.TryReadNext(out var header, out var packetRo))
            {
                var packet = buffer.Slice(reader.PacketOffset, packetRo.Length);
                if (HandlePacket(now, header, packet)) anyProcessed = true;
                if (State is ConnectionState.Draining or ConnectionState.Drained) break;
            }
            if (!anyProcessed && State != ConnectionState.Closing) CheckStatelessReset(now, buffer);
        }
        catch (QuicProtocolException e)
        {
            CloseWithTransportError(now, e.Code, e.FrameType, e.Reason);
        }
        catch (TlsAlertException e)
        {
            CloseWithTransportError(now, (TransportErrorCode)e.TransportErrorCode, 0x06, e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug of ours (or of a shared buffer's owner) left this connection half-updated: close it with
            // INTERNAL_ERROR (RFC 9000 §20.1) rather than run on in an unknown state; the caller reports the exception.
            CloseWithTransportError(now, TransportErrorCode.InternalError, null, "internal error");
            throw;
        }
        if (_migrationCandidate && !Equals(remote, _remote) && _loss.HandshakeConfirmed && State == ConnectionState.Established)
        {
            OnPeerAddressChanged(remote);
        }
        _migrationCandidate = false;
        if (anyProcessed)
        {
            // RFC 9000 §10.2.1: in the closing state, answer incoming packets with CONNECTION_CLOSE again.
            if (State == ConnectionState.Closing) _closeFramePending = true;
            _ = remote;
        }
    }

    private bool HandlePacket(Instant now, in PacketHeader header, Span<byte> packet)
    {
        PacketSpace space;
        switch (header.Type)
        {
            case PacketType.Initial: space = PacketSpace.Initial; break;
            case PacketType.Handshake: space = PacketSpace.Handshake; break;
            case PacketType.OneRtt: space = PacketSpace.ApplicationData; break;
            case PacketType.Retry:
                return HandleRetry(header, packet);
            case PacketType.VersionNegotiation:
                return HandleVersionNegotiation(header, packet);
            default:
                Stats.PacketsDropped++; // 0-RTT is not offered; Version Negotiation only matters before any reply
                return false;
        }
        var s = _spaces[(int)space];
        if (s.Keys is null || s.Discarded || (space == PacketSpace.ApplicationData && !_tls.IsHandshakeComplete))
        {
            // RFC 9001 §5.7: a server must not process 1-RTT packets before the handshake completes.
            Stats.PacketsDropped++;
            return false;
        }
        if (header.Type == PacketType.OneRtt && !IsLocalConnectionId(header.DestinationConnectionId))
        {
            Stats.PacketsDropped++;
            return false;
        }
        if (!s.Keys.Remote.Header.TryUnprotect(packet, header.PacketNumberOffset, out int pnLength))
        {
            Stats.PacketsDropped++;
            return false;
        }
        uint truncated = PacketNumber.ReadTruncated(packet[header.PacketNumberOffset..], pnLength);
        ulong pn = PacketNumber.Decode(s.ReceivedPackets.Largest, truncated, pnLength);
        int headerLength = header.PacketNumberOffset + pnLength;
        int payloadLength;
        bool ok = space == PacketSpace.ApplicationData
            ? TryDecryptOneRtt(packet, headerLength, pn, PacketHeader.GetKeyPhase(packet[0]), out payloadLength)
            : s.Keys.Remote.Packet.TryDecrypt(pn, packet, headerLength, out payloadLength);
        if (!ok)
        {
            Stats.PacketsDropped++;
            if (space == PacketSpace.ApplicationData) OnDecryptionFailed();
            return false;
        }
        PacketHeader.CheckReservedBits(packet[0], header.IsLongHeader);
        if (s.ReceivedPackets.IsDuplicate(pn))
        {
            Stats.PacketsDropped++;
            return true;
        }
        Stats.PacketsReceived++;

        if (!IsServer && !_peerScidKnown && header.IsLongHeader)
        {
            // RFC 9000 §7.2: the client switches to the server's chosen connection ID.
            _peerCids[0] = (header.SourceConnectionId, null);
            _peerScidKnown = true;
            _routingVersion++;
        }
        if (IsServer && space == PacketSpace.Handshake)
        {
            // RFC 9000 §8.1: a Handshake packet proves the client owns its address; Initial keys go (RFC 9001 §4.9.1).
            _addressValidated = true;
            DiscardSpace(PacketSpace.Initial);
        }

        if (space == PacketSpace.ApplicationData && (s.ReceivedPackets.Largest is null || pn > s.ReceivedPackets.Largest))
        {
            // RFC 9000 §9.3: only the packet with the largest number so far may move the peer to a new address.
            _migrationCandidate = true;
        }
        bool ackEliciting = HandleFrames(now, space, header, packet.Slice(headerLength, payloadLength));
        if (State == ConnectionState.Drained) return true;
        if (State != ConnectionState.Draining)
        {
            s.ReceivedPackets.OnPacketReceived(pn, ackEliciting, now, _loss.Rtt.HasSample ? _loss.Rtt.Smoothed : TimeSpan.Zero);
        }
        ResetIdleTimer(now);
        _ackElicitingSentSinceReceive = false;
        return true;
    }

    /// <summary>Processes the frames of a packet; returns whether it was ack-eliciting.</summary>
    private bool HandleFrames(Instant now, PacketSpace space, in PacketHeader header, ReadOnlySpan<byte> payload)
    {
        var reader = new FrameReader(payload, header.Type);
        bool closing = State == ConnectionState.Closing;
        while (reader.TryReadFrameType(out var type))
        {
            ulong ft = (ulong)type;
            if (closing && type is not (FrameType.ConnectionClose or FrameType.ConnectionCloseApplication))
            {
                reader.SkipFrame();
                continue;
            }
            switch (type)
            {
                case FrameType.Padding:
                    reader.ReadPadding();
                    break;
                case FrameType.Ping:
                    reader.ReadPing();
                    break;
                case FrameType.Ack:
                case FrameType.AckEcn:
                    OnAckFrame(now, space, reader.ReadAck(), ft);
                    break;
                case FrameType.Crypto:
                {
                    var f = reader.ReadCrypto();
                    OnCryptoFrame(now, space, f.Offset, f.Data);
                    break;
                }
                case FrameType.ResetStream:
                {
                    var f = reader.ReadResetStream();
                    Streams.OnResetStream(new StreamId(f.StreamId), f.ApplicationErrorCode, f.FinalSize, ft);
                    break;
                }
                case FrameType.StopSending:
                {
                    var f = reader.ReadStopSending();
                    Streams.OnStopSending(new StreamId(f.StreamId), f.ApplicationErrorCode, ft);
                    break;
                }
                case FrameType.NewToken:
                    reader.ReadNewToken();
                    if (IsServer) throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, ft, "client sent NEW_TOKEN");
                    break;
                case >= FrameType.Stream and <= FrameType.StreamMax:
                {
                    var f = reader.ReadStream();
                    Streams.OnStreamFrame(new StreamId(f.StreamId), f.Offset, f.Data, f.Fin, ft);
                    break;
                }
                case FrameType.MaxData:
                    Streams.OnMaxData(reader.ReadMaxData().MaximumData);
                    break;
                case FrameType.MaxStreamData:
                {
                    var f = reader.ReadMaxStreamData();
                    Streams.OnMaxStreamData(new StreamId(f.StreamId), f.MaximumStreamData, ft);
                    break;
                }
                case FrameType.MaxStreamsBidi:
                case FrameType.MaxStreamsUni:
                {
                    var f = reader.ReadMaxStreams();
                    Streams.OnMaxStreams(f.Bidirectional ? StreamDirection.Bidirectional : StreamDirection.Unidirectional, f.MaximumStreams, ft);
                    break;
                }
                case FrameType.DataBlocked:
                    reader.ReadDataBlocked();
                    break;
                case FrameType.StreamDataBlocked:
                    Streams.OnStreamDataBlocked(new StreamId(reader.ReadStreamDataBlocked().StreamId), ft);
                    break;
                case FrameType.StreamsBlockedBidi:
                case FrameType.StreamsBlockedUni:
                    Streams.OnStreamsBlocked(reader.ReadStreamsBlocked().MaximumStreams, ft);
                    break;
                case FrameType.NewConnectionId:
                    OnNewConnectionId(reader.ReadNewConnectionId());
                    break;
                case FrameType.RetireConnectionId:
                    OnRetireConnectionId(reader.ReadRetireConnectionId().SequenceNumber, header.DestinationConnectionId);
                    break;
                case FrameType.PathChallenge:
                {
                    // Bounded: only the newest challenges are answered.
                    var data = reader.ReadPathChallenge().Data;
                    if (_pathResponses.Count >= 8) _pathResponses.Dequeue();
                    _pathResponses.Enqueue(data);
                    break;
                }
                case FrameType.PathResponse:
                    if (reader.ReadPathResponse().Data == _pathChallengeData) _pathChallengeData = null;
                    break;
                case FrameType.ConnectionClose:
                case FrameType.ConnectionCloseApplication:
                {
                    var f = reader.ReadConnectionClose();
                    var info = new ConnectionCloseInfo(CloseOrigin.Peer, f.IsApplication, f.ErrorCode, f.TriggeringFrameType,
                        Encoding.UTF8.GetString(f.ReasonPhrase));
                    EnterDraining(now, info);
                    return false;
                }
                case FrameType.HandshakeDone:
                    reader.ReadHandshakeDone();
                    if (IsServer) throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, ft, "client sent HANDSHAKE_DONE");
                    OnHandshakeConfirmed(now);
                    break;
                case FrameType.Datagram:
                case FrameType.DatagramWithLength:
                {
                    var f = reader.ReadDatagram();
                    OnDatagramFrame(f.Data, ft);
                    break;
                }
                case FrameType.ImmediateAck:
                    reader.ReadImmediateAck();
                    _spaces[(int)space].ReceivedPackets.RequestImmediateAck();
                    break;
                case FrameType.AckFrequency:
                    OnAckFrequencyFrame(reader.ReadAckFrequency());
                    break;
                default:
                    reader.SkipFrame();
                    break;
            }
        }
        return reader.IsAckEliciting;
    }

    private void OnAckFrame(Instant now, PacketSpace space, in AckFrame ack, ulong frameType)
    {
        var ranges = _ackRanges;
        ranges.Clear();
        foreach (var r in ack.GetRanges()) ranges.Add((r.Smallest, r.Largest));
        var delay = space == PacketSpace.ApplicationData
            ? TimeSpan.FromTicks((long)Math.Min(ack.GetAckDelayMicroseconds((int)_peerAckDelayExponent), (ulong)TimeSpan.MaxValue.Ticks / 10) * 10)
            : TimeSpan.Zero;
        var outcome = _loss.OnAckReceived(space, ranges, delay, now, frameType);
        foreach (var p in outcome.Acked)
        {
            OnPacketAcked(space, p);
            if (space == PacketSpace.ApplicationData && p.PacketNumber >= _firstSentPnInPhase) _keyUpdateAcked = true;
        }
        foreach (var p in outcome.Lost) OnPacketLost(space, p);
        if (space == PacketSpace.ApplicationData) OnMtuLossEvent(outcome.Acked, outcome.Lost);
        if (!IsServer && space == PacketSpace.Handshake && outcome.Acked.Count > 0)
        {
            // RFC 9002 §6.2.2.1: a Handshake ACK proves the server validated our address.
            _loss.PeerCompletedAddressValidation = true;
        }
    }

    private void OnPacketAcked(PacketSpace space, SentPacket p)
    {
        if (p.IsMtuProbe) OnMtuProbeAcked(p);
        var f = p.Frames;
        var s = _spaces[(int)space];
        if (f.LargestAckSent is { } largest) s.ReceivedPackets.OnAckOfAck(largest);
        if (f.Crypto is { } crypto)
        {
            foreach (var (off, len) in crypto) s.CryptoSend.OnAcked(off, len);
        }
        for (int i = 0; i < f.StreamCount; i++) Streams.OnChunkAcked(f.GetStream(i));
        if (f.StreamControl is { } control)
        {
            foreach (var c in control) Streams.OnControlFrameAcked(c);
        }
    }

    private void OnPacketLost(PacketSpace space, SentPacket p)
    {
        Stats.PacketsLost++;
        if (p.IsMtuProbe) OnMtuProbeLost(p);
        RequeueFrames(space, p.Frames);
    }

    /// <summary>Queues the retransmittable content of a lost (or PTO-probed) packet (RFC 9000 §13.3).</summary>
    private void RequeueFrames(PacketSpace space, SentFrames f)
    {
        var s = _spaces[(int)space];
        if (f.Crypto is { } crypto && !s.Discarded)
        {
            foreach (var (off, len) in crypto) s.CryptoSend.OnLost(off, len);
        }
        for (int i = 0; i < f.StreamCount; i++) Streams.OnChunkLost(f.GetStream(i));
        if (f.StreamControl is { } control)
        {
            foreach (var c in control) Streams.OnControlFrameLost(c);
        }
        if (f.Other is { } other)
        {
            foreach (var o in other)
            {
                switch (o)
                {
                    case HandshakeDoneMarker:
                        _handshakeDonePending = true;
                        break;
                    case AckFrequencyMarker:
                        _ackFrequencyPending = true;
                        break;
                    case NewCidMarker m when _localCids.ContainsKey(m.Sequence):
                        _newCidPending.Enqueue(m.Sequence);
                        break;
                    case RetireCidMarker r:
                        _retirePending.Enqueue(r.Sequence);
                        break;
                }
            }
        }
    }

    /// <summary>
    /// A Retry (RFC 9000 §17.2.5, §8.1.2): the client restarts its Initial flight toward the server's new connection ID,
    /// echoing the token, with Initial keys derived from that ID. At most one Retry is accepted, and none after the
    /// server replied with an Initial.
    /// </summary>
    private bool HandleRetry(in PacketHeader header, Span<byte> packet)
    {
        if (IsServer || _retrySourceCid is not null || _peerScidKnown || header.TokenLength == 0
            || !MoqLive.Quic.Crypto.RetryIntegrity.Verify(_originalDcid.Span, packet))
        {
            Stats.PacketsDropped++;
            return false;
        }
        _retryToken = header.GetToken(packet).ToArray();
        _retrySourceCid = header.SourceConnectionId;
        _peerCids[0] = (header.SourceConnectionId, null);
        _routingVersion++;
        var initial = _spaces[(int)PacketSpace.Initial];
        initial.Keys?.Dispose();
        initial.Keys = MoqLive.Quic.Crypto.QuicKeyDerivation.InitialKeys(header.SourceConnectionId.Span, isServer: false);
        // Everything sent in Initial packets so far is sent again (packet numbers keep increasing).
        foreach (var p in _loss.Outstanding(PacketSpace.Initial).ToList()) RequeueFrames(PacketSpace.Initial, p.Frames);
        _loss.DiscardSpace(PacketSpace.Initial);
        Stats.Retries++;
        return true;
    }

    /// <summary>
    /// Version Negotiation (RFC 9000 §6.2): before anything else came from the server, a well-formed packet that
    /// echoes our connection IDs and does not list QUIC v1 ends the attempt; one that lists v1 is ignored.
    /// </summary>
    private bool HandleVersionNegotiation(in PacketHeader header, Span<byte> packet)
    {
        if (IsServer || _peerScidKnown || _retrySourceCid is not null
            || !VersionNegotiationPacket.TryParse(packet, out var dcid, out var scid, out var versions)
            || !dcid.SequenceEqual(_localCids[0].Cid.Span) || !scid.SequenceEqual(_originalDcid.Span)
            || VersionNegotiationPacket.Contains(versions, QuicVersion.Version1))
        {
            Stats.PacketsDropped++;
            return false;
        }
        _closeInfo = new ConnectionCloseInfo(CloseOrigin.Peer, false, 0, 0, "server does not support QUIC version 1");
        _events.Enqueue(new ConnectionEvent(ConnectionEventKind.ConnectionLost, Close: _closeInfo));
        SetDrained();
        return true;
    }

    /// <summary>True when the datagram's tail is a stateless reset token of the peer (RFC 9000 §10.3.1).</summary>
    public bool MatchesStatelessReset(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < StatelessReset.MinLength || (datagram[0] & 0x80) != 0) return false;
        foreach (var (_, token) in _peerCids.Values)
        {
            if (token is { } t && StatelessReset.Matches(datagram, t)) return true;
        }
        return false;
    }

    private void CheckStatelessReset(Instant now, ReadOnlySpan<byte> datagram)
    {
        // A datagram we could not process whose tail matches a reset token of the peer ends the connection.
        if (!MatchesStatelessReset(datagram)) return;
        var info = new ConnectionCloseInfo(CloseOrigin.StatelessReset, false, 0, 0, "stateless reset");
        EnterDraining(now, info);
        SetDrained();
    }

    private sealed record HandshakeDoneMarker
    {
        public static readonly HandshakeDoneMarker Instance = new();
    }

    private sealed record NewCidMarker(ulong Sequence);

    private sealed record RetireCidMarker(ulong Sequence);
}
