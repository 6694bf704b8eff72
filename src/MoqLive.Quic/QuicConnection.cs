using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoqLive.Quic.Core;
using MoqLive.Quic.Internal;
using MoqLive.Quic.Streams;

namespace MoqLive.Quic;

/// <summary>
/// A QUIC connection (the shape of System.Net.Quic's <c>QuicConnection</c>): streams, datagrams, close. Outgoing ones
/// come from <see cref="ConnectAsync(QuicClientConnectionOptions, CancellationToken)"/>, incoming ones from <see cref="QuicListener.AcceptConnectionAsync"/>.
/// </summary>
/// <remarks>
/// It drives a sans-IO <see cref="Connection"/> core (quinn's split): every input (a datagram from the endpoint's
/// receive loop, a timer, an application command) runs under one lock and is followed by the same step: send every
/// datagram the core has (<c>PollTransmit</c> until empty), hand its events to waiting streams and callers, re-arm the
/// timer from <c>PollTimeout</c> through the <see cref="TimeProvider"/>. Waiters are woken with asynchronous
/// continuations, so no user code ever runs under the lock.
/// </remarks>
public sealed partial class QuicConnection : IAsyncDisposable
{
    private readonly QuicEndpoint _endpoint;
    private readonly Connection _core;
    private readonly TimerWheel.Entry _timer;
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<ConnectionCloseInfo> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _drainedTcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<QuicConnection, bool>? _onEstablished;
    private readonly string _logId;
    private Instant? _armed;
    private int _routedVersion = -1;
    private bool _drained;
    private bool _processDeferred;
    private ConnectionCloseInfo? _closeInfo;
    private QuicException? _closeException;

    private QuicConnection(QuicEndpoint endpoint, Connection core, Func<QuicConnection, bool>? onEstablished)
    {
        _endpoint = endpoint;
        _core = core;
        _onEstablished = onEstablished;
        _logId = core.LocalConnectionIds.First().ToString();
        // The endpoint already counts this connection as a user (QuicEndpoint.Connect, or before CreateInbound).
        endpoint.Register(this);
        _timer = new TimerWheel.Entry(OnTimer);
    }

    internal Lock Sync { get; } = new();

    internal Connection Core => _core;

    private ILogger Logger => _endpoint.Logger;

    /// <summary>The peer's address.</summary>
    public IPEndPoint RemoteEndPoint => (IPEndPoint)_core.RemoteAddress;

    /// <summary>Our local address.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_endpoint.LocalEndPoint;

    /// <summary>The ALPN protocol both sides agreed on.</summary>
    public string? NegotiatedApplicationProtocol => _core.ApplicationProtocol;

    /// <summary>Completes when the connection is closed, for whatever reason, with who closed it and why.</summary>
    public Task<ConnectionCloseInfo> Closed => _closed.Task;

    /// <summary>Smoothed round-trip time estimate.</summary>
    public TimeSpan Rtt
    {
        get
        {
            lock (Sync) return _core.Rtt;
        }
    }

    /// <summary>
    /// Largest payload <see cref="SendDatagram"/> accepts (RFC 9221); 0 when the peer does not accept datagrams.
    /// </summary>
    public int MaxDatagramSize
    {
        get
        {
            lock (Sync) return _closeInfo is null ? _core.MaxDatagramSize : 0;
        }
    }

    /// <summary>Connects to a server and completes once the handshake did; fails with <see cref="QuicException"/>.</summary>
    public static ValueTask<QuicConnection> ConnectAsync(QuicClientConnectionOptions options, CancellationToken cancellationToken = default) =>
        ConnectAsync(options, null, cancellationToken);

    /// <summary>Connects over a socket from <paramref name="socketFactory"/> (given the local address to bind); for tests.</summary>
    internal static async ValueTask<QuicConnection> ConnectAsync(
        QuicClientConnectionOptions options, Func<IPEndPoint, IDatagramSocket>? socketFactory, CancellationToken cancellationToken)
    {
        var (remote, tls) = await PrepareConnectAsync(options, cancellationToken).ConfigureAwait(false);
        var local = options.LocalEndPoint
            ?? new IPEndPoint(remote.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        var settings = options.ConnectionOptions ?? QuicDefaults.ConnectionOptions;
        ILogger logger = options.LoggerFactory?.CreateLogger<QuicConnection>() ?? NullLogger<QuicConnection>.Instance;

        // A socket of its own, closed when this connection drains (its only user).
        IDatagramSocket socket = socketFactory is null ? UdpDatagramSocket.Bind(local, settings.DiscoversPathMtu) : socketFactory(local);
        var endpoint = new QuicEndpoint(socket, options.TimeProvider, logger, settings);
        QuicConnection connection;
        try
        {
            connection = new QuicConnection(endpoint, endpoint.Connect(remote, tls, options.HandshakeTimeout), null);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        endpoint.Start(dedicatedThread: false);
        return await connection.HandshakeAsync(remote, options.HandshakeTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Connects through <paramref name="endpoint"/>, a socket shared with other client connections (<see cref="QuicClientEndpoint"/>).</summary>
    internal static async ValueTask<QuicConnection> ConnectAsync(
        QuicEndpoint endpoint, QuicClientConnectionOptions options, CancellationToken cancellationToken)
    {
        var (remote, tls) = await PrepareConnectAsync(options, cancellationToken).ConfigureAwait(false);
        var connection = new QuicConnection(endpoint, endpoint.Connect(remote, tls, options.HandshakeTimeout), null);
        return await connection.HandshakeAsync(remote, options.HandshakeTimeout, cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask<(IPEndPoint Remote, Tls.TlsClientOptions Tls)> PrepareConnectAsync(
        QuicClientConnectionOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        IPEndPoint remote = await ResolveAsync(options.RemoteEndPoint!, cancellationToken).ConfigureAwait(false);
        string? serverName = options.ServerName ?? (options.RemoteEndPoint as DnsEndPoint)?.Host;
        return (remote, options.ToTlsOptions(serverName));
    }

    /// <summary>Sends the first flight and completes once the handshake did.</summary>
    private async ValueTask<QuicConnection> HandshakeAsync(IPEndPoint remote, TimeSpan handshakeTimeout, CancellationToken cancellationToken)
    {
        lock (Sync) ProcessLocked();
        try
        {
            // The core closes the connection itself when the handshake times out (CloseOrigin.HandshakeTimeout), which
            // fails this with QuicError.ConnectionTimeout.
            await _connected.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (QuicException e) when (e.QuicError == QuicError.ConnectionTimeout)
        {
            throw new QuicException(QuicError.ConnectionTimeout, null, $"The QUIC handshake with {remote} did not complete within {handshakeTimeout.TotalSeconds:0.#} s.");
        }
        catch (OperationCanceledException)
        {
            CloseCore(0, "canceled");
            throw;
        }

        return this;
    }

    internal static QuicConnection CreateInbound(QuicEndpoint endpoint, Connection core, Func<QuicConnection, bool> onEstablished) =>
        new(endpoint, core, onEstablished);

    /// <summary>
    /// Queues an unreliable datagram (RFC 9221). False when the send queue is full. Throws
    /// <see cref="ArgumentOutOfRangeException"/> when longer than <see cref="MaxDatagramSize"/>.
    /// </summary>
    public bool SendDatagram(ReadOnlySpan<byte> payload)
    {
        lock (Sync)
        {
            ThrowIfClosedLocked();
            bool queued = _core.SendDatagram(payload);
            ProcessLocked();
            return queued;
        }
    }

    /// <summary>Waits for the next datagram from the peer.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReceiveDatagramAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        while (true)
        {
            Task wait;
            lock (Sync)
            {
                ThrowIfClosedLocked();
                if (_core.TryReceiveDatagram(out byte[] payload)) return payload;
                wait = _datagramSignal.WaitAsync();
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Closes the connection with an application error code (CONNECTION_CLOSE 0x1d). Idempotent: the first close wins.
    /// Pending operations fail with <see cref="QuicException"/> (<see cref="QuicError.OperationAborted"/>).
    /// </summary>
    public ValueTask CloseAsync(long errorCode, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(errorCode);
        cancellationToken.ThrowIfCancellationRequested();
        CloseCore((ulong)errorCode, reason ?? string.Empty);
        return ValueTask.CompletedTask;
    }

    /// <summary>Closes with error code 0 unless already closed.</summary>
    public ValueTask DisposeAsync()
    {
        CloseCore(0, string.Empty);
        return ValueTask.CompletedTask;
    }

    internal void CloseCore(ulong errorCode, string reason)
    {
        lock (Sync)
        {
            if (_closeInfo is not null || _drained) return;
            _core.Close(_endpoint.Now, errorCode, reason);
            ProcessLocked();
        }
    }

    private static async ValueTask<IPEndPoint> ResolveAsync(EndPoint endPoint, CancellationToken cancellationToken)
    {
        switch (endPoint)
        {
            case IPEndPoint ip:
                return ip;
            case DnsEndPoint dns:
                IPAddress[] addresses = await Dns.GetHostAddressesAsync(dns.Host, cancellationToken).ConfigureAwait(false);
                IPAddress address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                    ?? addresses.FirstOrDefault()
                    ?? throw new QuicException(QuicError.ConnectionRefused, null, $"{dns.Host} did not resolve to any address.");
                return new IPEndPoint(address, dns.Port);
            default:
                throw new ArgumentException($"Unsupported endpoint type {endPoint.GetType().Name}.", nameof(endPoint));
        }
    }

    private void ThrowIfClosedLocked()
    {
        if (_closeException is not null) throw _closeException;
    }

    internal QuicException? CloseExceptionLocked => _closeException;

    /// <summary>Completes when the core is drained and the connection left its endpoint (for tests).</summary>
    internal Task Drained => _drainedTcs.Task;

    internal ConnectionCloseInfo? CloseInfoLocked => _closeInfo;
}
