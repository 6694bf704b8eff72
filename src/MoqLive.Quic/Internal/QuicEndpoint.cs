using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using MoqLive.Quic.Core;
using MoqLive.Quic.Packets;
using MoqLive.Quic.Tls;

namespace MoqLive.Quic.Internal;

/// <summary>
/// One datagram socket and the connections behind it (quinn's <c>Endpoint</c> + driver): a receive loop routes each
/// datagram by its Destination Connection ID to a connection, which processes it inline and sends what follows.
/// On a server endpoint, a client Initial of at least 1200 bytes for an unknown connection ID creates a connection,
/// and a long header with an unsupported version gets a Version Negotiation reply (RFC 9000 §6.1).
/// </summary>
/// <remarks>
/// The endpoint lives while it has users: the listener (server) and each connection until it is drained. The last
/// user to leave closes the socket. Reset tokens are an HMAC of the connection ID under a per-endpoint key, so a
/// short-header datagram for a connection ID the endpoint no longer knows is answered with a Stateless Reset
/// (RFC 9000 §10.3), and one that matches a live connection's peer token ends that connection. Retry is not used.
/// </remarks>
internal sealed class QuicEndpoint
{
    // Instants start an hour in so that "now minus a few PTOs" never goes below zero.
    private static readonly TimeSpan s_originOffset = TimeSpan.FromHours(1);

    private readonly IDatagramSocket _socket;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _origin;
    private readonly int _connectionIdLength;
    // Datagrams handled without replying yet (see DeferProcessing); a burst's replies go out together.
    private const int MaxDeferredDatagrams = 64;

    private readonly Dictionary<ConnectionId, QuicConnection> _routes = new();
    // Connections with replies deferred; touched only by the receive loop.
    private readonly List<QuicConnection> _deferred = new();
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly byte[] _resetKey = RandomNumberGenerator.GetBytes(32);
    private ServerSide? _server;
    private int _users;
    private bool _closed;
    private Task _receiveLoop = Task.CompletedTask;

    public QuicEndpoint(IDatagramSocket socket, TimeProvider time, ILogger logger, int connectionIdLength)
    {
        _socket = socket;
        _time = time;
        _logger = logger;
        _origin = time.GetTimestamp();
        _connectionIdLength = connectionIdLength;
        LocalEndPoint = socket.LocalEndPoint;
    }

    public EndPoint LocalEndPoint { get; }

    public TimeProvider Time => _time;

    public ILogger Logger => _logger;

    /// <summary>The monotonic clock the connection cores run on.</summary>
    public Instant Now => new((_time.GetElapsedTime(_origin) + s_originOffset).Ticks);

    /// <summary>Completes when the receive loop has stopped and the socket is closed.</summary>
    public Task Completion => _receiveLoop;

    /// <summary>Accept new connections: called once by the listener, which becomes a user.</summary>
    public void EnableServer(TlsServerOptions tls, ConnectionOptions options, TimeSpan handshakeTimeout, Func<QuicConnection, bool> onEstablished)
    {
        _server = new ServerSide(tls, WithResetTokens(options), handshakeTimeout, onEstablished);
        AddUser();
    }

    /// <summary>
    /// New connections use <paramref name="certificate"/> (certificate renewal); connections already created keep theirs,
    /// since each gets its own immutable TLS options.
    /// </summary>
    public void UpdateServerCertificate(TlsServerCertificate certificate)
    {
        ServerSide? current;
        do
        {
            current = Volatile.Read(ref _server);
            if (current is null) return;
            var tls = new TlsServerOptions
            {
                Certificate = certificate,
                ApplicationProtocols = current.Tls.ApplicationProtocols,
                KeyLog = current.Tls.KeyLog,
                CipherSuitesOverride = current.Tls.CipherSuitesOverride,
                SupportedGroupsOverride = current.Tls.SupportedGroupsOverride,
                TransportParametersOptional = current.Tls.TransportParametersOptional,
            };
            if (Interlocked.CompareExchange(ref _server, current with { Tls = tls }, current) == current) return;
        }
        while (true);
    }

    /// <summary>Stops accepting new connections (listener disposed); existing ones keep the socket open.</summary>
    public void DisableServer()
    {
        if (Interlocked.Exchange(ref _server, null) is not null) ReleaseUser();
    }

    /// <summary><paramref name="options"/> with reset tokens this endpoint can recompute (RFC 9000 §10.3.2).</summary>
    public ConnectionOptions WithResetTokens(ConnectionOptions options) =>
        options with { ResetTokenGenerator = ResetToken };

    public void Start() => _receiveLoop = Task.Run(ReceiveLoopAsync);

    public void AddUser()
    {
        lock (_lock) _users++;
    }

    public void ReleaseUser()
    {
        lock (_lock)
        {
            if (--_users > 0 || _closed) return;
            _closed = true;
        }
        _cts.Cancel();
        _socket.Dispose();
    }

    public bool Send(ReadOnlySpan<byte> datagram, EndPoint remote) => _socket.Send(datagram, remote);

    /// <summary>How many datagrams one <see cref="Send(ReadOnlySpan{byte}, int, EndPoint)"/> may carry.</summary>
    public int MaxSegments => _socket.MaxSegments;

    /// <summary>Sends consecutive datagrams of <paramref name="segmentSize"/> bytes (the last may be shorter) in one call where the socket can.</summary>
    public bool Send(ReadOnlySpan<byte> datagrams, int segmentSize, EndPoint remote) => _socket.Send(datagrams, segmentSize, remote);

    /// <summary>
    /// Called by a connection from the receive loop after it handled a datagram: the loop calls its
    /// <see cref="QuicConnection.ProcessReceived"/> once the socket has no more datagrams queued (or after
    /// <see cref="MaxDeferredDatagrams"/>), so replies are batched over a burst.
    /// </summary>
    public void DeferProcessing(QuicConnection connection) => _deferred.Add(connection);

    public void Route(ConnectionId id, QuicConnection connection)
    {
        lock (_lock) _routes[id] = connection;
    }

    public void Unroute(ConnectionId id, QuicConnection connection)
    {
        lock (_lock)
        {
            if (_routes.TryGetValue(id, out var c) && c == connection) _routes.Remove(id);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        // One receive buffer: each datagram is processed (decrypted in place by the core) before the next receive.
        byte[] buffer = GC.AllocateUninitializedArray<byte>(65536);
        var ct = _cts.Token;
        int sinceProcessed = 0;
        while (!ct.IsCancellationRequested)
        {
            DatagramReceiveResult r;
            try
            {
                var receive = _socket.ReceiveAsync(buffer, ct);
                if (!receive.IsCompleted || ++sinceProcessed >= MaxDeferredDatagrams)
                {
                    // The burst is read (or long enough): reply to it before waiting for more.
                    ProcessDeferred();
                    sinceProcessed = 0;
                }

                r = await receive.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (Exception e)
            {
                Log.ReceiveLoopFailed(_logger, LocalEndPoint, e);
                break;
            }

            try
            {
                OnDatagram(buffer.AsSpan(0, r.Length), r.Remote);
            }
            catch (Exception e)
            {
                // A bug handling one datagram must not stop the endpoint; the connection's timers keep it honest.
                Log.ReceiveLoopFailed(_logger, LocalEndPoint, e);
            }
        }

        ProcessDeferred();
    }

    private void ProcessDeferred()
    {
        foreach (var connection in _deferred)
        {
            try
            {
                connection.ProcessReceived();
            }
            catch (Exception e)
            {
                Log.ReceiveLoopFailed(_logger, LocalEndPoint, e);
            }
        }

        _deferred.Clear();
    }

    private void OnDatagram(Span<byte> datagram, EndPoint remote)
    {
        if (!PacketInvariants.TryGetDestinationConnectionId(datagram, _connectionIdLength, out var dcidBytes)
            || !ConnectionId.TryCreate(dcidBytes, out var dcid))
        {
            Log.DatagramDropped(_logger, datagram.Length, remote, "no connection ID");
            return;
        }

        QuicConnection? connection;
        lock (_lock) _routes.TryGetValue(dcid, out connection);
        if (connection is not null)
        {
            connection.OnDatagram(datagram, remote);
            return;
        }

        if (!PacketInvariants.IsLongHeader(datagram[0]))
        {
            OnUnroutedShortHeader(datagram, remote, dcid);
            return;
        }

        var server = _server;
        if (server is null)
        {
            Log.DatagramDropped(_logger, datagram.Length, remote, "unknown connection ID");
            return;
        }

        if (!PacketInvariants.TryParseLongHeader(datagram, out uint version, out _, out var scidBytes, out _))
            return;
        if (!QuicVersion.IsSupported(version))
        {
            Span<byte> reply = stackalloc byte[256];
            if (VersionNegotiationPacket.TryWriteResponse(datagram, QuicVersion.Supported, (byte)Random.Shared.Next(), reply, out int n))
            {
                _socket.Send(reply[..n], remote);
                Log.VersionNegotiationSent(_logger, remote, version);
            }
            return;
        }

        // RFC 9000 §14.1: a server drops an Initial in a datagram smaller than 1200 bytes. §7.2: its DCID is at least 8 bytes.
        bool isInitial = ((datagram[0] >> 4) & 0x3) == (int)PacketType.Initial;
        if (!isInitial || datagram.Length < 1200 || dcid.Length < 8 || !ConnectionId.TryCreate(scidBytes, out var scid))
        {
            Log.DatagramDropped(_logger, datagram.Length, remote, "not a valid first Initial");
            return;
        }

        var core = Connection.CreateServer(server.Options, server.Tls, remote, dcid, scid, Now);
        connection = QuicConnection.CreateInbound(this, core, server.HandshakeTimeout, server.OnEstablished);
        Route(dcid, connection);
        connection.OnDatagram(datagram, remote);
    }

    private void OnUnroutedShortHeader(ReadOnlySpan<byte> datagram, EndPoint remote, ConnectionId dcid)
    {
        // It may be a Stateless Reset from the peer of one of our connections (§10.3.1).
        List<QuicConnection> candidates;
        lock (_lock) candidates = _routes.Values.Distinct().ToList();
        foreach (var c in candidates)
        {
            if (c.TryHandleStatelessReset(datagram, remote)) return;
        }

        // Otherwise answer with one, smaller than what arrived so two endpoints cannot loop (§10.3.3).
        int length = StatelessReset.GetResponseLength(datagram.Length);
        if (length == 0) return;
        Span<byte> reply = stackalloc byte[length];
        StatelessReset.Write(reply, ResetToken(dcid));
        _socket.Send(reply, remote);
        Log.DatagramDropped(_logger, datagram.Length, remote, "unknown connection ID; sent a stateless reset");
    }

    private StatelessResetToken ResetToken(ConnectionId cid)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_resetKey, cid.Span, mac);
        return new StatelessResetToken(mac[..StatelessResetToken.Length]);
    }

    private sealed record ServerSide(TlsServerOptions Tls, ConnectionOptions Options, TimeSpan HandshakeTimeout, Func<QuicConnection, bool> OnEstablished);
}
