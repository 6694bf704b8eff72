using System.Net;
using System.Security.Cryptography;
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

    /// <summary>Connections accepted but not yet taken with <see cref="Endpoint.TryAccept"/> before new ones are refused.</summary>
    public int AcceptQueueLength { get; init; } = 64;
}

/// <summary>
/// Sans-IO QUIC endpoint: owns the connections behind one UDP socket. It routes datagrams by Destination Connection
/// ID, creates server connections for new Initials, answers unknown versions with Version Negotiation and packets for
/// unknown connections with a Stateless Reset (RFC 9000 §5.2, §6, §10.3).
/// </summary>
/// <remarks>
/// Drive it like a connection: pass datagrams to <see cref="HandleDatagram"/> (it forwards to the right connection and
/// returns it), then drain <see cref="PollTransmit"/> for endpoint-level responses and each connection's own
/// transmits, timers and events; call <see cref="Refresh"/> after driving a connection so new or retired connection
/// IDs are routed and terminated connections are dropped.
/// </remarks>
internal sealed class Endpoint
{
    private readonly EndpointOptions _options;
    private readonly Dictionary<ConnectionId, Connection> _routes = new();
    private readonly Dictionary<Connection, List<ConnectionId>> _routesOf = new();
    private readonly Queue<Connection> _incoming = new();
    private readonly Queue<(EndPoint Remote, byte[] Data)> _responses = new();
    private readonly ConnectionOptions _connectionOptions;

    public Endpoint(EndpointOptions options)
    {
        _options = options;
        var key = options.StatelessResetKey;
        _connectionOptions = options.Connection with { ResetTokenGenerator = cid => ResetToken(key, cid) };
    }

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
    /// Routes a datagram. Returns the connection it went to (new or existing), or null when it was answered by the
    /// endpoint itself (Version Negotiation, Stateless Reset) or dropped.
    /// </summary>
    public Connection? HandleDatagram(Instant now, EndPoint remote, ReadOnlySpan<byte> datagram)
    {
        int cidLength = _connectionOptions.ConnectionIdLength;
        if (!PacketInvariants.TryGetDestinationConnectionId(datagram, cidLength, out var dcidBytes) || dcidBytes.Length > ConnectionId.MaxLength)
            return null;
        var dcid = new ConnectionId(dcidBytes);
        if (_routes.TryGetValue(dcid, out var existing))
        {
            existing.HandleDatagram(now, remote, datagram);
            Refresh(existing);
            return existing;
        }
        if (PacketInvariants.IsLongHeader(datagram[0]))
        {
            return HandleUnroutedLongHeader(now, remote, datagram);
        }
        // An unroutable short header may be a Stateless Reset for one of our connections to that address.
        foreach (var c in _routesOf.Keys)
        {
            if (Equals(c.RemoteAddress, remote) && c.MatchesStatelessReset(datagram))
            {
                c.HandleDatagram(now, remote, datagram);
                Refresh(c);
                return c;
            }
        }
        SendStatelessReset(remote, datagram, dcid);
        return null;
    }

    /// <summary>The next endpoint-level datagram (Version Negotiation or Stateless Reset).</summary>
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

    /// <summary>Updates routing for a connection after it was driven; forgets it once drained.</summary>
    public void Refresh(Connection c)
    {
        if (!_routesOf.TryGetValue(c, out var routed)) return;
        var current = c.State == ConnectionState.Drained ? [] : c.LocalConnectionIds.ToList();
        foreach (var cid in routed.Except(current).ToList())
        {
            // The client's original Destination Connection ID stays routed until the connection ends (Initial retransmits).
            if (c.State != ConnectionState.Drained && cid == c.OriginalDestinationConnectionId && IsServerSide(c)) continue;
            _routes.Remove(cid);
            routed.Remove(cid);
        }
        foreach (var cid in current.Except(routed).ToList())
        {
            _routes[cid] = c;
            routed.Add(cid);
        }
        if (c.State == ConnectionState.Drained)
        {
            foreach (var cid in routed) _routes.Remove(cid);
            _routesOf.Remove(c);
        }
    }

    private static bool IsServerSide(Connection c) => c.IsServer;

    private Connection? HandleUnroutedLongHeader(Instant now, EndPoint remote, ReadOnlySpan<byte> datagram)
    {
        if (!PacketInvariants.TryParseLongHeader(datagram, out uint version, out _, out _, out _)) return null;
        if (!QuicVersion.IsSupported(version))
        {
            var response = new byte[256];
            if (VersionNegotiationPacket.TryWriteResponse(datagram, QuicVersion.Supported, (byte)Random.Shared.Next(), response, out int n))
            {
                _responses.Enqueue((remote, response[..n]));
            }
            return null;
        }
        // RFC 9000 §14.1: a server drops Initial datagrams smaller than 1200 bytes.
        if (_options.Server is null || datagram.Length < 1200 || _incoming.Count >= _options.AcceptQueueLength) return null;
        if (!PacketHeader.TryParse(datagram, _connectionOptions.ConnectionIdLength, out var header) || header.Type != PacketType.Initial) return null;
        if (header.DestinationConnectionId.Length < 8) return null; // RFC 9000 §7.2
        ConnectionId originalDcid = header.DestinationConnectionId;
        ConnectionId? retrySource = null;
        if (_options.RequireRetry)
        {
            var token = header.GetToken(datagram);
            if (token.IsEmpty)
            {
                SendRetry(remote, header);
                return null;
            }
            if (!TryValidateRetryToken(token, remote, header.DestinationConnectionId, out originalDcid)) return null;
            retrySource = header.DestinationConnectionId;
        }
        var c = Connection.CreateServer(_connectionOptions, _options.Server, remote, originalDcid, header.SourceConnectionId, now, retrySource);
        _routesOf[c] = new List<ConnectionId> { header.DestinationConnectionId };
        _routes[header.DestinationConnectionId] = c;
        c.HandleDatagram(now, remote, datagram);
        Refresh(c);
        _incoming.Enqueue(c);
        return c;
    }

    private void SendRetry(EndPoint remote, in PacketHeader header)
    {
        Span<byte> cidBytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(cidBytes);
        var retryCid = new ConnectionId(cidBytes);
        var token = RetryToken(remote, header.DestinationConnectionId, retryCid);
        var packet = new byte[RetryPacket.GetLength(header.SourceConnectionId, retryCid, token.Length)];
        int tagOffset = RetryPacket.WriteWithoutTag(packet, QuicVersion.Version1, header.SourceConnectionId, retryCid, token, 0);
        MoqLive.Quic.Crypto.RetryIntegrity.ComputeTag(header.DestinationConnectionId.Span, packet.AsSpan(0, tagOffset), packet.AsSpan(tagOffset));
        _responses.Enqueue((remote, packet));
    }

    // Token: ODCID length, ODCID, then a MAC binding the client address, the ODCID and the Retry's connection ID.
    private byte[] RetryToken(EndPoint remote, ConnectionId originalDcid, ConnectionId retryCid)
    {
        var token = new byte[1 + originalDcid.Length + 16];
        token[0] = (byte)originalDcid.Length;
        originalDcid.CopyTo(token.AsSpan(1));
        RetryMac(remote, originalDcid, retryCid).CopyTo(token.AsSpan(1 + originalDcid.Length));
        return token;
    }

    private bool TryValidateRetryToken(ReadOnlySpan<byte> token, EndPoint remote, ConnectionId retryCid, out ConnectionId originalDcid)
    {
        originalDcid = default;
        if (token.Length < 1 || token[0] > ConnectionId.MaxLength || token.Length != 1 + token[0] + 16) return false;
        originalDcid = new ConnectionId(token.Slice(1, token[0]));
        var expected = RetryMac(remote, originalDcid, retryCid);
        return CryptographicOperations.FixedTimeEquals(expected, token[(1 + token[0])..]);
    }

    private byte[] RetryMac(EndPoint remote, ConnectionId originalDcid, ConnectionId retryCid)
    {
        var input = System.Text.Encoding.UTF8.GetBytes("retry|" + remote + "|" + Convert.ToHexString(originalDcid.Span) + "|" + Convert.ToHexString(retryCid.Span));
        return HMACSHA256.HashData(_options.StatelessResetKey, input)[..16];
    }

    private void SendStatelessReset(EndPoint remote, ReadOnlySpan<byte> datagram, ConnectionId dcid)
    {
        int length = StatelessReset.GetResponseLength(datagram.Length);
        if (length == 0) return;
        var response = new byte[length];
        StatelessReset.Write(response, ResetToken(_options.StatelessResetKey, dcid));
        _responses.Enqueue((remote, response));
    }

    private static StatelessResetToken ResetToken(byte[] key, ConnectionId cid)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, cid.Span, mac);
        return new StatelessResetToken(mac[..StatelessResetToken.Length]);
    }
}
