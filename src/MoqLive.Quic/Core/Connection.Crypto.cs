using MoqLive.Quic.Crypto;
using MoqLive.Quic.Recovery;
using MoqLive.Quic.Streams;
using MoqLive.Quic.TransportParameters;

namespace MoqLive.Quic.Core;

/// <summary>Driving TLS through CRYPTO frames, installing keys, transport parameters and 1-RTT key updates (RFC 9001 §4–6).</summary>
internal sealed partial class Connection
{
    private PacketKey? _sendKey;
    private PacketKey? _recvKey;
    private PacketKey? _prevRecvKey;
    private PacketKeyPair? _nextKeys;
    private bool _keyPhase;
    private ulong? _firstRecvPnInPhase;
    private ulong _firstSentPnInPhase;
    private bool _keyUpdateAcked = true;
    private ulong _packetsWithKey;
    private ulong _failedDecryptions;
    private Instant? _discardPrevKeyAt;

    // RFC 9001 §6.6: update before the confidentiality limit; also on the configured interval.
    private bool NeedsKeyUpdate =>
        _sendKey is not null
        && ((_options.KeyUpdateInterval is { } interval && _packetsWithKey >= interval)
            || _packetsWithKey + 1000 >= _sendKey.ConfidentialityLimit);

    /// <summary>The keys installed for <paramref name="space"/>, disposed or not (for tests).</summary>
    internal LevelKeys? KeysOf(PacketSpace space) => _spaces[(int)space].Keys;

    /// <summary>The current 1-RTT key phase bit.</summary>
    public bool KeyPhase => _keyPhase;

    /// <summary>
    /// Starts a 1-RTT key update (RFC 9001 §6.1). Allowed once the handshake is confirmed and a packet sent with the
    /// current keys was acknowledged; returns false otherwise.
    /// </summary>
    public bool InitiateKeyUpdate()
    {
        if (!_loss.HandshakeConfirmed || !_keyUpdateAcked || _sendKey is null || State != ConnectionState.Established) return false;
        var next = _nextKeys ?? _tls.NextOneRttKeys();
        _nextKeys = null;
        _prevRecvKey = _recvKey;
        _recvKey = next.Remote;
        _sendKey = next.Local;
        _keyPhase = !_keyPhase;
        _firstRecvPnInPhase = null;
        _firstSentPnInPhase = _spaces[2].NextPacketNumber;
        _keyUpdateAcked = false;
        _packetsWithKey = 0;
        Stats.KeyUpdates++;
        _discardPrevKeyAt = null;
        // Make sure a packet with the new keys goes out so the peer follows.
        _spaces[2].PingPending = true;
        return true;
    }

    /// <summary>Feeds in-order CRYPTO data of a level to TLS.</summary>
    private void OnCryptoFrame(Instant now, PacketSpace space, ulong offset, ReadOnlySpan<byte> data)
    {
        var s = _spaces[(int)space];
        ulong end = offset + (ulong)data.Length;
        // RFC 9000 §7.5: bound buffered out-of-order CRYPTO data.
        if (end > s.CryptoReceive.ReadOffset + 256 * 1024)
            throw new QuicProtocolException(TransportErrorCode.CryptoBufferExceeded, 0x06, "too much buffered CRYPTO data");
        s.CryptoReceive.Insert(offset, data);
        if (!s.CryptoReceive.HasReadableData) return;
        var buffer = new byte[s.CryptoReceive.Buffered];
        int n = s.CryptoReceive.Read(buffer);
        _tls.HandleCryptoData((EncryptionLevel)(int)space, buffer.AsSpan(0, n));
        DriveTls(now);
    }

    /// <summary>Collects keys and outgoing handshake data from TLS and reacts to handshake progress.</summary>
    private void DriveTls(Instant now)
    {
        while (_tls.TryPollKeys(out var keys))
        {
            if (keys.Level == EncryptionLevel.Handshake)
            {
                _spaces[1].Keys = keys;
                _loss.HasHandshakeKeys = true;
            }
            else if (keys.Level == EncryptionLevel.OneRtt)
            {
                _spaces[2].Keys = keys;
                _sendKey = keys.Local.Packet;
                _recvKey = keys.Remote.Packet;
            }
        }
        for (int level = 0; level < 3; level++)
        {
            if (_tls.TryPollCryptoData((EncryptionLevel)level, out var data)) _spaces[level].CryptoSend.Write(data);
        }
        if (_peerParameters is null && _tls.PeerTransportParameters is { } tp) ApplyPeerParameters(tp);
        if (_tls.IsHandshakeComplete && !_connectedReported)
        {
            _connectedReported = true;
            if (State == ConnectionState.Handshaking) State = ConnectionState.Established;
            _events.Enqueue(new ConnectionEvent(ConnectionEventKind.Connected));
            if (IsServer)
            {
                // RFC 9001 §4.1.2: the server's handshake is confirmed on completion; it tells the client.
                _handshakeDonePending = true;
                OnHandshakeConfirmed(now);
            }
        }
    }

    private void OnHandshakeConfirmed(Instant now)
    {
        if (_loss.HandshakeConfirmed) return;
        _loss.HandshakeConfirmed = true;
        _loss.PeerCompletedAddressValidation = true;
        _tls.ConfirmHandshake();
        // RFC 9001 §4.9.2: Handshake keys are discarded once the handshake is confirmed.
        DiscardSpace(PacketSpace.Handshake);
        IssueConnectionIds();
        QueueAckFrequency();
        _events.Enqueue(new ConnectionEvent(ConnectionEventKind.HandshakeConfirmed));
    }

    private void DiscardSpace(PacketSpace space)
    {
        var s = _spaces[(int)space];
        if (s.Discarded || s.Keys is null) return;
        s.Discarded = true;
        _loss.DiscardSpace(space);
        s.ProbesOwed = 0;
        // RFC 9001 §4.9: the keys are never used again; free their cipher contexts now rather than leave them to the
        // finalizer (a discarded space's packets are dropped before any key is touched).
        s.Keys.Dispose();
    }

    /// <summary>Frees every key's cipher context once the connection is drained (nothing is sent or opened any more).</summary>
    private void DisposeKeys()
    {
        foreach (var s in _spaces) s.Keys?.Dispose();
        _sendKey?.Dispose();
        _recvKey?.Dispose();
        _prevRecvKey?.Dispose();
        _nextKeys?.Dispose();
        _tls.Dispose();
    }

    private void ApplyPeerParameters(byte[] encoded)
    {
        var p = TransportParametersCodec.Decode(encoded, sentByServer: !IsServer);
        _peerParameters = p;
        if (!IsServer)
        {
            if (p.OriginalDestinationConnectionId is not { } odcid || odcid != _originalDcid)
                throw new QuicProtocolException(TransportErrorCode.TransportParameterError, null, "original_destination_connection_id mismatch");
            if (p.InitialSourceConnectionId is not { } iscid || iscid != _peerCids[0].Cid)
                throw new QuicProtocolException(TransportErrorCode.TransportParameterError, null, "initial_source_connection_id mismatch");
            // RFC 9000 §7.3: retry_source_connection_id must match the Retry we followed, and be absent without one.
            if (p.RetrySourceConnectionId != _retrySourceCid)
                throw new QuicProtocolException(TransportErrorCode.TransportParameterError, null, "retry_source_connection_id mismatch");
            _peerCids[0] = (_peerCids[0].Cid, p.StatelessResetToken);
            _routingVersion++;
        }
        else if (p.InitialSourceConnectionId is not { } iscid || iscid != _peerCids[0].Cid)
        {
            throw new QuicProtocolException(TransportErrorCode.TransportParameterError, null, "initial_source_connection_id mismatch");
        }
        Streams.SetPeerLimits(new PeerStreamLimits
        {
            InitialMaxData = p.InitialMaxData,
            InitialMaxStreamDataBidiLocal = p.InitialMaxStreamDataBidiLocal,
            InitialMaxStreamDataBidiRemote = p.InitialMaxStreamDataBidiRemote,
            InitialMaxStreamDataUni = p.InitialMaxStreamDataUni,
            InitialMaxStreamsBidi = p.InitialMaxStreamsBidi,
            InitialMaxStreamsUni = p.InitialMaxStreamsUni,
        });
        _loss.PeerMaxAckDelay = TimeSpan.FromMilliseconds(p.MaxAckDelayMilliseconds);
        _peerAckDelayExponent = p.AckDelayExponent;
        if (p.MaxIdleTimeoutMilliseconds > 0)
        {
            var peer = TimeSpan.FromMilliseconds(p.MaxIdleTimeoutMilliseconds);
            _idleTimeout = _idleTimeout > TimeSpan.Zero && _idleTimeout < peer ? _idleTimeout : peer;
        }
        _peerMaxDatagramFrameSize = p.MaxDatagramFrameSize ?? 0;
        _maxUdpPayload = (int)Math.Min((ulong)_maxUdpPayload, p.MaxUdpPayloadSize);
        _baseUdpPayload = _maxUdpPayload;
        _mtu?.LimitTo((int)Math.Min(p.MaxUdpPayloadSize, int.MaxValue));
        _peerActiveCidLimit = (int)Math.Min(p.ActiveConnectionIdLimit, 8);
    }

    /// <summary>Chooses the 1-RTT key for a received packet, performing a peer-initiated key update when needed.</summary>
    private bool TryDecryptOneRtt(Span<byte> packet, int headerLength, ulong pn, bool phase, out int payloadLength)
    {
        payloadLength = 0;
        if (_recvKey is null) return false;
        if (phase == _keyPhase)
        {
            if (!_recvKey.TryDecrypt(pn, packet, headerLength, out payloadLength)) return false;
            if (_firstRecvPnInPhase is null && _prevRecvKey is not null)
            {
                // The peer follows our update: the old key is needed only for stragglers (RFC 9001 §6.5).
                _discardPrevKeyAt ??= _lastReceiveTime + _loss.Pto() * 3;
            }
            if (_firstRecvPnInPhase is null || pn < _firstRecvPnInPhase) _firstRecvPnInPhase = pn;
            return true;
        }
        // The other phase: an old packet from before the last update, or the peer's next update.
        if (_prevRecvKey is not null && (_firstRecvPnInPhase is null || pn < _firstRecvPnInPhase))
        {
            if (_prevRecvKey.TryDecrypt(pn, packet, headerLength, out payloadLength)) return true;
        }
        _nextKeys ??= _tls.NextOneRttKeys();
        // Keep the ciphertext in case the trial fails (AEAD open is in place).
        var copy = packet.ToArray();
        if (!_nextKeys.Remote.TryDecrypt(pn, packet, headerLength, out payloadLength))
        {
            copy.CopyTo(packet);
            return false;
        }
        // RFC 9001 §6.2: the peer updated keys; we follow.
        _prevRecvKey = _recvKey;
        _recvKey = _nextKeys.Remote;
        _sendKey = _nextKeys.Local;
        _nextKeys = null;
        _keyPhase = phase;
        _firstRecvPnInPhase = pn;
        _firstSentPnInPhase = _spaces[2].NextPacketNumber;
        _keyUpdateAcked = false;
        _packetsWithKey = 0;
        Stats.KeyUpdates++;
        // RFC 9001 §6.5: keep the old receive key for about three PTOs to open reordered packets.
        _discardPrevKeyAt = _lastReceiveTime + _loss.Pto() * 3;
        return true;
    }

    /// <summary>Counts a packet that failed authentication; past the AEAD integrity limit the connection must end (RFC 9001 §6.6).</summary>
    private void OnDecryptionFailed()
    {
        if (_recvKey is null) return;
        if (++_failedDecryptions >= _recvKey.IntegrityLimit)
            throw new QuicProtocolException(TransportErrorCode.AeadLimitReached, null, "AEAD integrity limit reached");
    }

    private void DiscardPreviousKeyIfDue(Instant now)
    {
        if (_discardPrevKeyAt is { } at && now >= at)
        {
            _prevRecvKey?.Dispose();
            _prevRecvKey = null;
            _discardPrevKeyAt = null;
        }
    }
}
