using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using MoqLive.Quic.Crypto;
using MoqLive.Quic.Frames;
using MoqLive.Quic.Packets;
using MoqLive.Quic.Tls;

namespace MoqLive.Quic.Core;

/// <summary>Settings of a sans-IO <see cref="Endpoint"/>.</summary>
internal sealed record EndpointOptions
{
    /// <summary>Options for every connection of this endpoint.</summary>
    public ConnectionOptions Connection { get; init; } = new();

    /// <summary>Server TLS settings; null for a client-only endpoint (incoming Initials are ignored).</summary>
    public TlsServerOptions? Server { get; init; }

    /// <summary>
    /// Secret from which stateless reset tokens are derived (HMAC-SHA256 of the connection ID, RFC 9000 §10.3.2).
    /// Keep it across restarts so peers of lost connections get a Stateless Reset. Default: random.
    /// </summary>
    public byte[] StatelessResetKey { get; init; } = RandomNumberGenerator.GetBytes(32);

    /// <summary>
    /// Validate client addresses with a Retry round trip before creating any connection state (RFC 9000 §8.1.2).
    /// Costs one RTT; protects against spoofed Initials. Default false.
    /// </summary>
    public bool RequireRetry { get; init; }

    /// <summary>How long a Retry token stays valid. Default 10 s.</summary>
    public TimeSpan RetryTokenLifetime { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Connections accepted but not yet taken with <see cref="Endpoint.TryAccept"/> before new ones are refused.</summary>
    public int AcceptQueueLength { get; init; } = 64;
}

/// <summary>What <see cref="Endpoint.Dispatch"/> did with a datagram.</summary>
internal enum DatagramDisposition
{
    /// <summary>Dropped: unparseable, for no connection and not worth an answer.</summary>
    Dropped,

    /// <summary>Answered by the endpoint itself (Version Negotiation, Retry or Stateless Reset): poll <see cref="Endpoint.PollTransmit"/>.</summary>
    Answered,

    /// <summary>For an existing connection: the caller passes the datagram to its <see cref="Connection.HandleDatagram"/>.</summary>
    Routed,

    /// <summary>Created a server connection, which already processed the datagram; the caller drives it from now on.</summary>
    Accepted,
}

/// <summary>
/// Sans-IO QUIC endpoint: owns the routing of the connections behind one UDP socket. It routes datagrams by Destination
/// Connection ID, creates server connections for new Initials (after a Retry round trip when asked to), answers
/// unknown versions with Version Negotiation and packets for unknown connections with a Stateless Reset
/// (RFC 9000 §5.2, §6, §8.1.2, §10.3). The UDP driver (<c>QuicEndpoint</c>) uses it under one lock; tests drive it
/// directly.
/// </summary>
/// <remarks>
/// Drive it like a connection: pass datagrams to <see cref="HandleDatagram"/> (it forwards to the right connection and
/// returns it), or to <see cref="Dispatch"/> when the caller delivers to connections itself; then drain
/// <see cref="PollTransmit"/> for endpoint-level responses and each connection's own transmits, timers and events;
/// call <see cref="Refresh"/> after driving a connection so new or retired connection IDs are routed and terminated
/// connections are dropped.
/// </remarks>
internal sealed class Endpoint
{
    private readonly EndpointOptions _options;
    private readonly Dictionary<ConnectionId, Connection> _routes = new();
    private readonly Dictionary<Connection, RouteState> _routesOf = new();
    private readonly Dictionary<StatelessResetToken, Connection> _peerResetTokens = new();
    private readonly Queue<Connection> _incoming = new();
    private readonly Queue<(EndPoint Remote, byte[] Data)> _responses = new();
    private readonly ConnectionOptions _connectionOptions;
    private readonly RetryTokens _retryTokens;
    // Scratch for Refresh: routes of retired connection IDs.
    private readonly List<ConnectionId> _retired = new();

    public Endpoint(EndpointOptions options)
    {
        _options = options;
        var key = options.StatelessResetKey;
        _connectionOptions = options.Connection with { ResetTokenGenerator = cid => ResetToken(key, cid) };
        _retryTokens = new RetryTokens { Lifetime = options.RetryTokenLifetime };
        ServerTls = options.Server;
        RequireRetry = options.RequireRetry;
    }

    /// <summary>TLS settings for new server connections; null refuses new connections (client-only endpoint).</summary>
    public TlsServerOptions? ServerTls { get; set; }

    /// <summary>Whether new connections need a Retry round trip first (<see cref="EndpointOptions.RequireRetry"/>).</summary>
    public bool RequireRetry { get; set; }

    /// <summary>How long a new server connection's handshake may take before it is abandoned (<see cref="Connection.SetHandshakeTimeout"/>); null: until the idle timeout.</summary>
    public TimeSpan? HandshakeTimeout { get; set; }

    /// <summary>Live connections.</summary>
    public IReadOnlyCollection<Connection> Connections => _routesOf.Keys;

    /// <summary>Starts a client connection.</summary>
    public Connection Connect(Instant now, EndPoint remote, TlsClientOptions tls)
    {
        var c = Connection.CreateClient(_connectionOptions, tls, remote, now);
        _routesOf[c] = new();
        Refresh(c);
        return c;
    }

    /// <summary>Takes the next new server connection.</summary>
    public bool TryAccept(out Connection connection) => _incoming.TryDequeue(out connection!);

    /// <summary>
    /// Routes a datagram and delivers it. Returns the connection it went to (new or existing), or null when it was
    /// answered by the endpoint itself (Version Negotiation, Retry, Stateless Reset) or dropped.
    /// </summary>
    public Connection? HandleDatagram(Instant now, EndPoint remote, ReadOnlySpan<byte> datagram)
    {
        switch (Dispatch(now, remote, datagram, out var c))
        {
            case DatagramDisposition.Routed:
                c!.HandleDatagram(now, remote, datagram);
                Refresh(c);
                return c;
            case DatagramDisposition.Accepted:
                _incoming.Enqueue(c!);
                return c;
            default:
                return null;
        }
    }

    /// <summary>
    /// Decides where a datagram goes, without delivering it to an existing connection (the caller does that, under
    /// whatever lock guards the connection, and then calls <see cref="Refresh"/>). A new server connection is created,
    /// fed the datagram and routed here (<see cref="DatagramDisposition.Accepted"/>).
    /// </summary>
    public DatagramDisposition Dispatch(Instant now, EndPoint remote, ReadOnlySpan<byte> datagram, out Connection? connection)
    {
        connection = null;
        if (!PacketInvariants.TryGetDestinationConnectionId(datagram, _connectionOptions.ConnectionIdLength, out var dcidBytes)
            || !ConnectionId.TryCreate(dcidBytes, out var dcid))
        {
            return DatagramDisposition.Dropped;
        }
        if (_routes.TryGetValue(dcid, out connection)) return DatagramDisposition.Routed;
        if (PacketInvariants.IsLongHeader(datagram[0])) return HandleUnroutedLongHeader(now, remote, datagram, out connection);

        // RFC 9000 §10.3.1: an unroutable datagram whose last 16 bytes are the reset token of a connection to that
        // address is a Stateless Reset for it; the connection checks the token again and ends.
        if (StatelessReset.TryGetToken(datagram, out var tail) && _peerResetTokens.TryGetValue(tail, out connection)
            && Equals(_routesOf[connection].Remote, remote))
        {
            return DatagramDisposition.Routed;
        }
        connection = null;
        return SendStatelessReset(remote, datagram.Length, dcid);
    }

    /// <summary>The next endpoint-level datagram (Version Negotiation, Retry or Stateless Reset).</summary>
    public bool PollTransmit(Span<byte> buffer, out Transmit transmit)
    {
        if (!_responses.TryDequeue(out var r))
        {
            transmit = default;
            return false;
        }
        r.Data.CopyTo(buffer);
        transmit = new Transmit(r.Remote, r.Data.Length);
        return true;
    }

    /// <summary>
    /// Updates routing for a connection after it was driven (its connection IDs, the peer's reset token and address);
    /// forgets it once drained. Cheap when nothing changed.
    /// </summary>
    public void Refresh(Connection c)
    {
        if (!_routesOf.TryGetValue(c, out var state)) return;
        if (c.State == ConnectionState.Drained)
        {
            foreach (var cid in state.Routed) _routes.Remove(cid);
            SetPeerResetToken(c, state, null);
            _routesOf.Remove(c);
            return;
        }
        if (!Equals(state.Remote, c.RemoteAddress)) state.Remote = c.RemoteAddress;
        var token = c.PeerResetToken;
        if (!Nullable.Equals(token, state.PeerResetToken)) SetPeerResetToken(c, state, token);
        // Routed = the connection's IDs, plus, for a server, the client's original Destination Connection ID, which stays
        // routed until the connection ends (Initial retransmits). No allocation when nothing changed.
        var issued = c.IssuedConnectionIds;
        bool upToDate = true;
        foreach (var (cid, _) in issued)
        {
            if (!state.Routed.Contains(cid)) upToDate = false;
        }
        if (c.IsServer && !state.Routed.Contains(c.OriginalDestinationConnectionId)) upToDate = false;
        if (upToDate && state.Routed.Count == issued.Count + (c.IsServer && !c.IsLocalConnectionId(c.OriginalDestinationConnectionId) ? 1 : 0)) return;

        _retired.Clear();
        foreach (var cid in state.Routed)
        {
            if (!c.IsLocalConnectionId(cid) && !(c.IsServer && cid == c.OriginalDestinationConnectionId)) _retired.Add(cid);
        }
        foreach (var cid in _retired)
        {
            if (_routes.TryGetValue(cid, out var owner) && owner == c) _routes.Remove(cid);
            state.Routed.Remove(cid);
        }
        foreach (var (cid, _) in issued)
        {
            if (state.Routed.Add(cid)) _routes[cid] = c;
        }
        if (c.IsServer && state.Routed.Add(c.OriginalDestinationConnectionId)) _routes[c.OriginalDestinationConnectionId] = c;
    }

    private void SetPeerResetToken(Connection c, RouteState state, StatelessResetToken? token)
    {
        if (state.PeerResetToken is { } old && _peerResetTokens.TryGetValue(old, out var owner) && owner == c) _peerResetTokens.Remove(old);
        state.PeerResetToken = token;
        if (token is { } t) _peerResetTokens[t] = c;
    }

    private DatagramDisposition HandleUnroutedLongHeader(Instant now, EndPoint remote, ReadOnlySpan<byte> datagram, out Connection? connection)
    {
        connection = null;
        if (!PacketInvariants.TryParseLongHeader(datagram, out uint version, out _, out _, out _)) return DatagramDisposition.Dropped;
        var server = ServerTls;
        if (server is null) return DatagramDisposition.Dropped;
        if (!QuicVersion.IsSupported(version))
        {
            // RFC 9000 §6.1: only for datagrams large enough to start a connection (no amplification), never for a
            // Version Negotiation packet (TryWriteResponse checks both).
            var response = new byte[256];
            if (!VersionNegotiationPacket.TryWriteResponse(datagram, QuicVersion.Supported, (byte)Random.Shared.Next(), response, out int n))
                return DatagramDisposition.Dropped;
            _responses.Enqueue((remote, response[..n]));
            return DatagramDisposition.Answered;
        }
        // RFC 9000 §14.1: a server drops Initial datagrams smaller than 1200 bytes.
        if (datagram.Length < 1200 || _incoming.Count >= _options.AcceptQueueLength) return DatagramDisposition.Dropped;
        if (!PacketHeader.TryParse(datagram, _connectionOptions.ConnectionIdLength, out var header) || header.Type != PacketType.Initial)
            return DatagramDisposition.Dropped;
        if (header.DestinationConnectionId.Length < 8) return DatagramDisposition.Dropped; // RFC 9000 §7.2
        ConnectionId originalDcid = header.DestinationConnectionId;
        ConnectionId? retrySource = null;
        if (RequireRetry)
        {
            var token = header.GetToken(datagram);
            if (token.IsEmpty) return SendRetry(now, remote, header);
            // A token we cannot validate (forged, expired, from another address) gets no connection state.
            if (!_retryTokens.TryValidate(now, token, remote, header.DestinationConnectionId, out originalDcid)) return SendInvalidToken(remote, header);
            retrySource = header.DestinationConnectionId;
        }
        // Open the first packet before building any connection state (TLS session, loss recovery, streams): a
        // corrupted, truncated or garbage Initial costs one key derivation and one AEAD check, and is dropped.
        var initialKeys = QuicKeyDerivation.InitialKeys(header.DestinationConnectionId.Span, isServer: true);
        if (!CanOpenInitial(datagram, header, initialKeys))
        {
            initialKeys.Dispose();
            return DatagramDisposition.Dropped;
        }
        var c = Connection.CreateServer(_connectionOptions, server, remote, originalDcid, header.SourceConnectionId, now, retrySource, initialKeys);
        if (HandshakeTimeout is { } timeout) c.SetHandshakeTimeout(now, timeout);
        c.HandleDatagram(now, remote, datagram);
        // Nothing processed after all (say, a packet number the connection refuses): keep no state for it.
        if (c.Stats.PacketsReceived == 0) return DatagramDisposition.Dropped;
        _routesOf[c] = new RouteState { Remote = remote };
        Refresh(c);
        connection = c;
        return DatagramDisposition.Accepted;
    }

    /// <summary>
    /// Whether the first packet of <paramref name="datagram"/> (an Initial, parsed into <paramref name="header"/>)
    /// passes header protection removal and AEAD decryption with the client's Initial keys (RFC 9001 §5.2, §5.4).
    /// Works on a copy: the connection decrypts the datagram again, in place.
    /// </summary>
    private static bool CanOpenInitial(ReadOnlySpan<byte> datagram, in PacketHeader header, LevelKeys keys)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(header.PacketLength);
        try
        {
            Span<byte> packet = rented.AsSpan(0, header.PacketLength);
            datagram[..header.PacketLength].CopyTo(packet);
            if (!keys.Remote.Header.TryUnprotect(packet, header.PacketNumberOffset, out int pnLength)) return false;
            // The first packet of a connection has no largest received packet number to decode against.
            ulong pn = PacketNumber.Decode(null, PacketNumber.ReadTruncated(packet[header.PacketNumberOffset..], pnLength), pnLength);
            return keys.Remote.Packet.TryDecrypt(pn, packet, header.PacketNumberOffset + pnLength, out _);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    private DatagramDisposition SendRetry(Instant now, EndPoint remote, in PacketHeader header)
    {
        Span<byte> cidBytes = stackalloc byte[Math.Max(8, _connectionOptions.ConnectionIdLength)];
        RandomNumberGenerator.Fill(cidBytes);
        var retryCid = new ConnectionId(cidBytes);
        var token = _retryTokens.Create(now, remote, header.DestinationConnectionId, retryCid);
        var packet = new byte[RetryPacket.GetLength(header.SourceConnectionId, retryCid, token.Length)];
        int tagOffset = RetryPacket.WriteWithoutTag(packet, QuicVersion.Version1, header.SourceConnectionId, retryCid, token, 0);
        RetryIntegrity.ComputeTag(header.DestinationConnectionId.Span, packet.AsSpan(0, tagOffset), packet.AsSpan(tagOffset));
        _responses.Enqueue((remote, packet));
        return DatagramDisposition.Answered;
    }

    /// <summary>
    /// RFC 9000 §8.1.2: the client will not accept a second Retry, so an invalid Retry token is answered at once with
    /// CONNECTION_CLOSE (INVALID_TOKEN) in an Initial packet, keeping no state (no closing period). The reply is far
    /// smaller than the 1200-byte trigger, so it cannot amplify.
    /// </summary>
    private DatagramDisposition SendInvalidToken(EndPoint remote, in PacketHeader header)
    {
        const int pnLength = 4;
        var close = ConnectionCloseFrame.FromTransportError(TransportErrorCode.InvalidToken, null, "invalid Retry token"u8);
        int headerLength = PacketHeaderWriter.GetLongHeaderLength(PacketType.Initial, header.SourceConnectionId, header.DestinationConnectionId, 0, pnLength);
        var packet = new byte[headerLength + close.GetEncodedLength() + PacketKey.AeadTagLength];
        var layout = PacketHeaderWriter.WriteLongHeader(packet, PacketType.Initial, QuicVersion.Version1,
            header.SourceConnectionId, header.DestinationConnectionId, [], 0, pnLength);
        close.Write(packet.AsSpan(layout.HeaderLength));
        PacketHeaderWriter.FinishLength(packet, layout, packet.Length - layout.HeaderLength);
        using var keys = QuicKeyDerivation.InitialKeys(header.DestinationConnectionId.Span, isServer: true);
        keys.Local.Packet.Encrypt(0, packet, layout.HeaderLength);
        keys.Local.Header.Protect(packet, layout.PacketNumberOffset);
        _responses.Enqueue((remote, packet));
        return DatagramDisposition.Answered;
    }

    private DatagramDisposition SendStatelessReset(EndPoint remote, int receivedLength, ConnectionId dcid)
    {
        // RFC 9000 §10.3, §10.3.3: always smaller than the trigger (no loops, no amplification), none for tiny ones.
        int length = StatelessReset.GetResponseLength(receivedLength);
        if (length == 0) return DatagramDisposition.Dropped;
        var response = new byte[length];
        StatelessReset.Write(response, ResetToken(_options.StatelessResetKey, dcid));
        _responses.Enqueue((remote, response));
        return DatagramDisposition.Answered;
    }

    private static StatelessResetToken ResetToken(byte[] key, ConnectionId cid)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, cid.Span, mac);
        return new StatelessResetToken(mac[..StatelessResetToken.Length]);
    }

    private sealed class RouteState
    {
        public HashSet<ConnectionId> Routed { get; } = new();

        public EndPoint? Remote { get; set; }

        public StatelessResetToken? PeerResetToken { get; set; }
    }
}
