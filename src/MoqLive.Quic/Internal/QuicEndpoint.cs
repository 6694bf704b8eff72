using System.Net;
using Microsoft.Extensions.Logging;
using MoqLive.Quic.Core;
using MoqLive.Quic.Tls;

namespace MoqLive.Quic.Internal;

/// <summary>
/// One datagram socket and the connections behind it (quinn's <c>Endpoint</c> driver): a receive loop hands each
/// datagram to the sans-IO <see cref="Endpoint"/>, which routes it by Destination Connection ID, creates server
/// connections (after a Retry round trip when asked to) and answers with Version Negotiation or a Stateless Reset
/// (RFC 9000 §6.1, §8.1.2, §10.3); this driver only moves datagrams and runs the connections it is given.
/// </summary>
/// <remarks>
/// The endpoint lives while it has users: the listener (server) or the shared client endpoint, and each connection until
/// it is drained. The last user to leave closes the socket. The core endpoint is not thread-safe: every call into it holds <c>_lock</c>. A
/// connection calls <see cref="Refresh"/> while holding its own lock, so <c>_lock</c> is never held while taking a
/// connection's lock.
/// </remarks>
internal sealed class QuicEndpoint
{
    // Instants start an hour in so that "now minus a few PTOs" never goes below zero.
    private static readonly TimeSpan s_originOffset = TimeSpan.FromHours(1);

    private readonly IDatagramSocket _socket;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _origin;
    // Datagrams handled without replying yet (see DeferProcessing); a burst's replies go out together.
    private const int MaxDeferredDatagrams = 64;

    private readonly Endpoint _core;
    private readonly Dictionary<Connection, QuicConnection> _connections = new();
    private readonly byte[] _responseBuffer = new byte[QuicDefaults.MaxUdpPayloadSize];
    // Connections with replies deferred; touched only by the receive loop.
    private readonly List<QuicConnection> _deferred = new();
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _cts = new();
    // Null when path MTU discovery is off; else the route MTU that bounds each connection's search.
    private readonly RouteMtu? _routeMtu;
    private ServerSide? _server;
    private int _users;
    private bool _closed;
    private Task _receiveLoop = Task.CompletedTask;

    public QuicEndpoint(IDatagramSocket socket, TimeProvider time, ILogger logger, ConnectionOptions options)
    {
        _socket = socket;
        _time = time;
        _logger = logger;
        _origin = time.GetTimestamp();
        _core = new Endpoint(new EndpointOptions { Connection = options });
        _routeMtu = options.DiscoversPathMtu ? new RouteMtu() : null;
        LocalEndPoint = socket.LocalEndPoint;
        Timers = new TimerWheel(time, () => Now);
    }

    /// <summary>
    /// Whether the receive thread completes its connections' stream reads itself, running each reader's continuation
    /// until its next wait, instead of queuing it to the thread pool (<see cref="QuicClientEndpointOptions.CompleteReadsOnReceiveThread"/>).
    /// </summary>
    public bool CompletesReadsInline { get; init; }

    /// <summary>
    /// Whether a dedicated receive thread drives <see cref="Timers"/> itself (<see cref="QuicClientEndpointOptions.RunTimersOnReceiveThread"/>).
    /// </summary>
    public bool DrivesTimers { get; init; }

    /// <summary>The timers of this endpoint's connections.</summary>
    public TimerWheel Timers { get; }

    public EndPoint LocalEndPoint { get; }

    public ILogger Logger => _logger;

    /// <summary>The monotonic clock the connection cores run on.</summary>
    public Instant Now => new((_time.GetElapsedTime(_origin) + s_originOffset).Ticks);

    /// <summary>Completes when the receive loop has stopped and the socket is closed.</summary>
    public Task Completion => _receiveLoop;

    /// <summary>
    /// Accept new connections: called once by the listener, which becomes a user. With <paramref name="requireRetry"/>
    /// every client first proves its address with a Retry round trip (RFC 9000 §8.1.2).
    /// </summary>
    public void EnableServer(TlsServerOptions tls, TimeSpan handshakeTimeout, bool requireRetry, Func<QuicConnection, bool> onEstablished)
    {
        lock (_lock)
        {
            _core.ServerTls = tls;
            _core.RequireRetry = requireRetry;
            _core.HandshakeTimeout = handshakeTimeout;
            _server = new ServerSide(onEstablished);
        }
        AddUser();
    }

    /// <summary>
    /// New connections use <paramref name="certificate"/> (certificate renewal); connections already created keep theirs,
    /// since each gets its own immutable TLS options.
    /// </summary>
    public void UpdateServerCertificate(TlsServerCertificate certificate)
    {
        lock (_lock)
        {
            if (_core.ServerTls is not { } current) return;
            _core.ServerTls = new TlsServerOptions
            {
                Certificate = certificate,
                ApplicationProtocols = current.ApplicationProtocols,
                KeyLog = current.KeyLog,
                CipherSuitesOverride = current.CipherSuitesOverride,
                SupportedGroupsOverride = current.SupportedGroupsOverride,
                TransportParametersOptional = current.TransportParametersOptional,
            };
        }
    }

    /// <summary>Stops accepting new connections (listener disposed); existing ones keep the socket open.</summary>
    public void DisableServer()
    {
        bool wasServer;
        lock (_lock)
        {
            wasServer = _server is not null;
            _server = null;
            _core.ServerTls = null;
        }
        if (wasServer) ReleaseUser();
    }

    /// <summary>
    /// Starts a client connection core (with reset tokens this endpoint can recompute, RFC 9000 §10.3.2) that gives up
    /// when its handshake takes longer than <paramref name="handshakeTimeout"/>. The caller becomes a user of the
    /// endpoint (released when the connection drains); throws <see cref="ObjectDisposedException"/> once the socket closed.
    /// </summary>
    public Connection Connect(EndPoint remote, TlsClientOptions tls, TimeSpan handshakeTimeout)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _users++;
            var now = Now;
            var core = _core.Connect(now, remote, tls);
            core.SetHandshakeTimeout(now, handshakeTimeout);
            LimitPathMtu(core, remote, now);
            return core;
        }
    }

    /// <summary>
    /// Starts receiving. With <paramref name="dedicatedThread"/> (a listener, or a client endpoint shared by many
    /// connections) on a socket that allows it, a thread of its own sleeps in the socket and handles each burst of
    /// datagrams, and sends the replies, inline: one wake-up per burst instead of the socket engine's event thread waking
    /// and queuing a thread-pool work item for it. A client connection with a socket of its own uses the async receive
    /// loop, as a thread per connection would cost more than it saves.
    /// </summary>
    public void Start(bool dedicatedThread)
    {
        if (dedicatedThread && _socket is IThreadedDatagramSocket threaded)
        {
            var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _receiveLoop = completion.Task;
            new Thread(() => ReceiveThread(threaded, completion)) { IsBackground = true, Name = "QUIC receive " + LocalEndPoint }.Start();
        }
        else
        {
            _receiveLoop = Task.Run(ReceiveLoopAsync);
        }
    }

    /// <summary>Keeps the socket open until a matching <see cref="ReleaseUser"/>; throws <see cref="ObjectDisposedException"/> once it closed.</summary>
    public void AddUser()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _users++;
        }
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
        Timers.Dispose();
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

    /// <summary>Makes <paramref name="connection"/> the receiver of the datagrams routed to its core.</summary>
    public void Register(QuicConnection connection)
    {
        lock (_lock) _connections[connection.Core] = connection;
    }

    /// <summary>
    /// Updates the routes of a connection after it was driven (new or retired connection IDs, the peer's reset token);
    /// forgets it once drained. Called under the connection's lock.
    /// </summary>
    public void Refresh(QuicConnection connection)
    {
        lock (_lock)
        {
            _core.Refresh(connection.Core);
            if (connection.Core.State == ConnectionState.Drained) _connections.Remove(connection.Core);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        // One receive buffer: each datagram is processed (decrypted in place by the core) before the next receive. 64 KiB
        // holds the largest UDP datagram and the largest run of datagrams one receive returns with GRO.
        byte[] buffer = GC.AllocateUninitializedArray<byte>(65536);
        var ct = _cts.Token;
        int sinceProcessed = 0;
        while (!ct.IsCancellationRequested)
        {
            DatagramReceiveResult r;
            try
            {
                var receive = _socket.ReceiveAsync(buffer, ct);
                if (!receive.IsCompleted || sinceProcessed >= MaxDeferredDatagrams)
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

            sinceProcessed += OnReceived(buffer, r);
        }

        ProcessDeferred();
    }

    // How long the receive thread sleeps in the socket at most: how late it notices a disposal the socket did not wake it for.
    private static readonly TimeSpan s_receiveThreadWait = TimeSpan.FromMilliseconds(250);

    /// <summary>The receive loop of <see cref="Start"/>'s dedicated thread: the same steps as <see cref="ReceiveLoopAsync"/>, without an await.</summary>
    private void ReceiveThread(IThreadedDatagramSocket socket, TaskCompletionSource completion)
    {
        byte[] buffer = GC.AllocateUninitializedArray<byte>(65536);
        var ct = _cts.Token;
        int sinceProcessed = 0;
        Action<Exception> onTimerError = e => Log.ReceiveLoopFailed(_logger, LocalEndPoint, e);
        if (DrivesTimers) Timers.DriverAwake();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (!socket.TryReceive(buffer, out var r))
                {
                    // The burst is read: reply to it before sleeping.
                    ProcessDeferred();
                    sinceProcessed = 0;
                    if (!DrivesTimers)
                    {
                        socket.WaitReadable(s_receiveThreadWait);
                        continue;
                    }

                    // The timers that fell due meanwhile, then sleep no longer than the next one.
                    var sleep = Timers.RunDueBeforeSleep(s_receiveThreadWait, onTimerError);
                    if (sleep > TimeSpan.Zero) socket.WaitReadable(sleep);
                    Timers.DriverAwake();
                    continue;
                }

                sinceProcessed += OnReceived(buffer, r);
                if (sinceProcessed >= MaxDeferredDatagrams)
                {
                    ProcessDeferred();
                    sinceProcessed = 0;
                    // A long burst does not hold up the timers.
                    if (DrivesTimers) Timers.RunDue(onTimerError);
                }
            }
        }
        catch (ObjectDisposedException)
        {
            // The last user closed the socket.
        }
        catch (Exception e)
        {
            Log.ReceiveLoopFailed(_logger, LocalEndPoint, e);
        }
        finally
        {
            ProcessDeferred();
            if (DrivesTimers) Timers.DetachDriver();
            completion.TrySetResult();
        }
    }

    /// <summary>Hands each datagram of one receive to its connection (or the core endpoint); returns how many there were.</summary>
    private int OnReceived(byte[] buffer, DatagramReceiveResult r)
    {
        // A GRO run holds datagrams of SegmentSize bytes from one sender, the last possibly shorter.
        int segmentSize = r.SegmentSize > 0 ? r.SegmentSize : Math.Max(r.Length, 1);
        int count = 0;
        for (int offset = 0; offset < r.Length; offset += segmentSize)
        {
            count++;
            try
            {
                OnDatagram(buffer.AsSpan(offset, Math.Min(segmentSize, r.Length - offset)), r.Remote);
            }
            catch (Exception e)
            {
                // A bug handling one datagram must not stop the endpoint; the connection's timers keep it honest.
                Log.ReceiveLoopFailed(_logger, LocalEndPoint, e);
            }
        }

        return count;
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
        DatagramDisposition disposition;
        Connection? core;
        QuicConnection? connection = null;
        ServerSide? server;
        lock (_lock)
        {
            disposition = _core.Dispatch(Now, remote, datagram, out core);
            if (disposition == DatagramDisposition.Routed) _connections.TryGetValue(core!, out connection);
            server = _server;
            while (_core.PollTransmit(_responseBuffer, out var response))
            {
                _socket.Send(_responseBuffer.AsSpan(0, response.Size), response.Destination);
                Log.StatelessResponseSent(_logger, response.Destination, response.Size);
            }
        }

        switch (disposition)
        {
            case DatagramDisposition.Routed when connection is not null:
                connection.OnDatagram(datagram, remote);
                break;
            case DatagramDisposition.Accepted when server is not null:
                // The core already processed the Initial: wrap the new connection, then send its first flight.
                LimitPathMtu(core!, remote, Now);
                AddUser();
                connection = QuicConnection.CreateInbound(this, core!, server.OnEstablished);
                lock (connection.Sync) connection.ProcessLocked();
                break;
            case DatagramDisposition.Dropped:
                Log.DatagramDropped(_logger, datagram.Length, remote, "no connection for it");
                break;
        }
    }

    /// <summary>Bounds a new connection's path MTU search by the route to its peer, where the OS tells it.</summary>
    private void LimitPathMtu(Connection core, EndPoint remote, Instant now)
    {
        if (_routeMtu?.MaxUdpPayload(remote, now) is { } payload) core.LimitPathMtu(payload);
    }

    private sealed record ServerSide(Func<QuicConnection, bool> OnEstablished);
}
