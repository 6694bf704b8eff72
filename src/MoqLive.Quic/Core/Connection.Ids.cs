using MoqLive.Quic.Frames;

namespace MoqLive.Quic.Core;

/// <summary>Connection IDs (RFC 9000 §5.1): the ones we issue and the peer's, NEW_CONNECTION_ID and RETIRE_CONNECTION_ID.</summary>
internal sealed partial class Connection
{
    private readonly Dictionary<ulong, (ConnectionId Cid, StatelessResetToken? Token)> _localCids = new();
    private readonly Queue<ulong> _newCidPending = new();
    private readonly SortedDictionary<ulong, (ConnectionId Cid, StatelessResetToken? Token)> _peerCids = new();
    private readonly Queue<ulong> _retirePending = new();
    private ulong _nextLocalCidSeq;
    private ulong _peerCidSeq;
    private ulong _peerRetirePriorTo;
    private int _peerActiveCidLimit = 2;
    private ConnectionId _originalDcid;
    private bool _peerScidKnown;
    private int _routingVersion;

    /// <summary>
    /// Changes whenever something the endpoint routes by changes: our connection IDs, the peer's reset token (its
    /// connection IDs), the peer's address, or the connection draining. The driver refreshes the endpoint's routes only
    /// when it changed, instead of under the endpoint-wide lock after every send and receive.
    /// </summary>
    public int RoutingVersion => _routingVersion;

    /// <summary>Connection IDs the peer may address us with.</summary>
    public IEnumerable<ConnectionId> LocalConnectionIds => _localCids.Values.Select(v => v.Cid);

    /// <summary>
    /// <see cref="LocalConnectionIds"/> with their reset tokens, enumerable without allocating (the endpoint's routing
    /// table follows them after every change).
    /// </summary>
    public Dictionary<ulong, (ConnectionId Cid, StatelessResetToken? Token)>.ValueCollection IssuedConnectionIds => _localCids.Values;

    /// <summary>The Destination Connection ID of the client's first Initial (server: routes retransmitted Initials).</summary>
    public ConnectionId OriginalDestinationConnectionId => _originalDcid;

    /// <summary>The Destination Connection ID we currently send with.</summary>
    public ConnectionId RemoteConnectionId => _peerCids[_peerCidSeq].Cid;

    /// <summary>
    /// The stateless reset token the peer gave with the connection ID we send with, if any: the endpoint matches
    /// unroutable datagrams against it (RFC 9000 §10.3.1).
    /// </summary>
    public StatelessResetToken? PeerResetToken => _peerCids.TryGetValue(_peerCidSeq, out var p) ? p.Token : null;

    private void InitConnectionIds(ConnectionId scid, ConnectionId dcid, ConnectionId originalDcid)
    {
        _localCids[0] = (scid, null);
        _nextLocalCidSeq = 1;
        _peerCids[0] = (dcid, null);
        _originalDcid = originalDcid;
        _peerScidKnown = IsServer;
    }

    /// <summary>Issues connection IDs up to the peer's active_connection_id_limit.</summary>
    private void IssueConnectionIds()
    {
        int limit = Math.Min(_peerActiveCidLimit, Math.Max(2, _options.ActiveConnectionIdLimit));
        while (_localCids.Count < limit)
        {
            ulong seq = _nextLocalCidSeq++;
            var cid = RandomConnectionId(_rng, _options.ConnectionIdLength);
            _localCids[seq] = (cid, _options.ResetTokenGenerator?.Invoke(cid) ?? RandomResetToken(_rng));
            _routingVersion++;
            _newCidPending.Enqueue(seq);
        }
    }

    private void OnNewConnectionId(in NewConnectionIdFrame f)
    {
        if (_peerCids.Count > 0 && _peerCids.First().Value.Cid.IsEmpty)
            throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, 0x18, "NEW_CONNECTION_ID with zero-length connection IDs");
        if (f.SequenceNumber < _peerRetirePriorTo)
        {
            // Already retired: retire it again right away (§19.15).
            _retirePending.Enqueue(f.SequenceNumber);
            return;
        }
        if (_peerCids.TryGetValue(f.SequenceNumber, out var existing))
        {
            if (existing.Cid != f.ConnectionId)
                throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, 0x18, "sequence number reused for another connection ID");
            return;
        }
        _peerCids[f.SequenceNumber] = (f.ConnectionId, f.StatelessResetToken);
        _routingVersion++;
        if (f.RetirePriorTo > _peerRetirePriorTo)
        {
            ulong retirePriorTo = f.RetirePriorTo;
            _peerRetirePriorTo = retirePriorTo;
            foreach (var seq in _peerCids.Keys.Where(k => k < retirePriorTo).ToList())
            {
                _peerCids.Remove(seq);
                _retirePending.Enqueue(seq);
            }
            if (!_peerCids.ContainsKey(_peerCidSeq)) _peerCidSeq = _peerCids.Keys.First();
        }
        if (_peerCids.Count > Math.Max(2, _options.ActiveConnectionIdLimit))
            throw new QuicProtocolException(TransportErrorCode.ConnectionIdLimitError, 0x18, "peer exceeded active_connection_id_limit");
    }

    private void OnRetireConnectionId(ulong seq, ConnectionId packetDcid)
    {
        if (seq >= _nextLocalCidSeq)
            throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, 0x19, "RETIRE_CONNECTION_ID for a sequence number never issued");
        if (_localCids.TryGetValue(seq, out var entry) && entry.Cid == packetDcid)
            throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, 0x19, "RETIRE_CONNECTION_ID retires the packet's own connection ID");
        if (!_localCids.Remove(seq)) return;
        _routingVersion++;
        IssueConnectionIds();
    }

    /// <summary>Switches to another connection ID of the peer (e.g. to avoid linkability), retiring the current one.</summary>
    public bool RotateRemoteConnectionId()
    {
        var next = _peerCids.Keys.FirstOrDefault(k => k > _peerCidSeq, ulong.MaxValue);
        if (next == ulong.MaxValue) return false;
        _peerCids.Remove(_peerCidSeq);
        _retirePending.Enqueue(_peerCidSeq);
        _peerCidSeq = next;
        _routingVersion++;
        return true;
    }

    /// <summary>Whether <paramref name="cid"/> is one of <see cref="LocalConnectionIds"/>.</summary>
    public bool IsLocalConnectionId(ConnectionId cid)
    {
        foreach (var v in _localCids.Values)
        {
            if (v.Cid == cid) return true;
        }
        return false;
    }
}
