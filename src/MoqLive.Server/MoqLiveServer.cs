using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoqLive.Http3;
using MoqLive.Http3.WebTransport;
using MoqLive.Moqt.Model;
using MoqLive.Moqt.Wire;
using MoqLive.Quic;
using MoqLive.Quic.Transport;
using MoqLive.Relay;
using MoqLive.Transport;

namespace MoqLive.Server;

/// <summary>
/// The MoqLive server: one relay, reached through one UDP port split by ALPN (<c>moqt-19</c> → raw QUIC MOQT,
/// <c>h3</c> → HTTP/3 with WebTransport sessions on <see cref="MoqLiveServerOptions.MoqtPath"/>), both handed to the
/// same <see cref="MoqtSessionHandler"/>; plus an HTTPS site (Kestrel, TCP, same port number) with the web apps, the
/// JSON API and <c>/certificate.sha256</c>.
/// </summary>
/// <remarks>
/// Start with <see cref="StartAsync"/>, stop with <see cref="DisposeAsync"/> (sessions are closed with NO_ERROR,
/// subscribers of live tracks see GOING_AWAY).
/// </remarks>
public sealed partial class MoqLiveServer : IAsyncDisposable
{
    private readonly MoqLiveServerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _cts = new();
    private readonly List<Task> _connections = [];
    // The one place WebTransport sessions are accepted (origin check, moqt-19 negotiation); MOQT_PATH is its only route.
    private readonly WebTransportListener _webTransport;
    private readonly Http3Router _router;
    private QuicListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private Task _webTransportLoop = Task.CompletedTask;
    private int _disposed;

    private MoqLiveServer(MoqLiveServerOptions options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<MoqLiveServer>();
        TimeSpan? maxAge = options.CacheMaxAgeSeconds > 0 ? TimeSpan.FromSeconds(options.CacheMaxAgeSeconds) : null;
        Relay = new MoqtRelay(new MoqtRelayOptions
        {
            Cache = TrackProducerOptions.Default with { MaxGroups = options.CacheMaxGroups, MaxBytes = options.CacheMaxBytes, MaxAge = maxAge },
            MaxSubscriberLagGroups = options.MaxSubscriberLagGroups,
            TimeProvider = _timeProvider,
            LoggerFactory = loggerFactory,
        });
        Sessions = new MoqtSessionHandler(Relay, _timeProvider, loggerFactory);
        _webTransport = new WebTransportListener(new WebTransportListenerOptions
        {
            Protocols = [MoqtVersion.Draft19.GetAlpn()],
            AllowedOrigins = [.. options.AllowedOrigins],
        }, loggerFactory);
        _router = new Http3Router().Map(options.MoqtPath, _webTransport.HandleAsync);
        Certificate = ServerCertificateProvider.Create(options, _timeProvider, _logger);
    }

    /// <summary>The relay every session feeds.</summary>
    public MoqtRelay Relay { get; }

    /// <summary>The MOQT session handler (session counters).</summary>
    public MoqtSessionHandler Sessions { get; }

    /// <summary>Namespaces currently published.</summary>
    public ChannelDirectory Channels { get; } = new();

    /// <summary>The certificate served on both QUIC and HTTPS.</summary>
    public ServerCertificateProvider Certificate { get; }

    /// <summary>The bound UDP endpoint (actual port when 0 was configured).</summary>
    public IPEndPoint UdpEndPoint => _listener?.LocalEndPoint ?? throw new InvalidOperationException("Not started.");

    /// <summary>Host name to put in URLs: the listen address, or localhost for a wildcard address.</summary>
    public string UrlHost
    {
        get
        {
            IPAddress address = UdpEndPoint.Address;
            if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
                return "localhost";
            return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        }
    }

    /// <summary>The HTTPS site, e.g. <c>https://127.0.0.1:4443/</c>.</summary>
    public Uri WebUrl => new(string.Create(CultureInfo.InvariantCulture, $"https://{UrlHost}:{UdpEndPoint.Port}/"));

    /// <summary>The WebTransport URL of MOQT sessions, e.g. <c>https://127.0.0.1:4443/moq</c>.</summary>
    public Uri WebTransportUrl => new(WebUrl, _options.MoqtPath);

    /// <summary>The raw QUIC MOQT URL, e.g. <c>moqt://127.0.0.1:4443/</c>.</summary>
    public Uri MoqtUrl => new(string.Create(CultureInfo.InvariantCulture, $"moqt://{UrlHost}:{UdpEndPoint.Port}/"));

    /// <summary>The options in use.</summary>
    public MoqLiveServerOptions Options => _options;

    /// <summary>Binds UDP (QUIC) and then TCP (HTTPS) on the configured address and port, and starts serving.</summary>
    /// <exception cref="System.Net.Sockets.SocketException">A port is in use.</exception>
    /// <exception cref="IOException">Kestrel could not bind the TCP port.</exception>
    public static async Task<MoqLiveServer> StartAsync(
        MoqLiveServerOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new MoqLiveServerOptionsValidator().Validate(null, options);
        if (result.Failed)
            throw new Microsoft.Extensions.Options.OptionsValidationException(nameof(MoqLiveServerOptions), typeof(MoqLiveServerOptions), result.Failures);
        var server = new MoqLiveServer(options, loggerFactory, timeProvider);
        try
        {
            await server.StartCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return server;
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        await Channels.StartAsync(Relay, cancellationToken).ConfigureAwait(false);
        _listener = await QuicListener.ListenAsync(new QuicListenerOptions
        {
            ListenEndPoint = IPEndPoint.Parse(_options.Listen),
            ApplicationProtocols = [MoqtVersion.Draft19.GetAlpn(), "h3"],
            ServerCertificate = Certificate.CurrentTls,
            ConnectionOptions = QuicDefaults.ConnectionOptions with
            {
                SendBufferSize = MoqLiveServerDefaults.ConnectionSendBufferBytes,
                KeepAliveInterval = MoqLiveServerDefaults.KeepAliveInterval,
            },
            TimeProvider = _timeProvider,
            LoggerFactory = _loggerFactory,
            RequireRetry = _options.RequireRetry,
        }, cancellationToken).ConfigureAwait(false);
        Certificate.Renewed += provider => _listener?.UpdateServerCertificate(provider.CurrentTls);
        _acceptLoop = Task.Run(AcceptLoopAsync, CancellationToken.None);
        _webTransportLoop = Task.Run(AcceptWebTransportSessionsAsync, CancellationToken.None);
        await StartWebAsync(cancellationToken).ConfigureAwait(false);
        if (_options.WarmUp)
            await WarmUpAsync(cancellationToken).ConfigureAwait(false);
        Log.ServerStarted(_logger, UdpEndPoint, WebUrl.ToString());
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                QuicConnection connection = await _listener!.AcceptConnectionAsync(_cts.Token).ConfigureAwait(false);
                lock (_connections)
                {
                    _connections.RemoveAll(t => t.IsCompleted);
                    _connections.Add(Task.Run(() => HandleConnectionAsync(connection), CancellationToken.None));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // Shutting down.
        }
        catch (Exception e)
        {
            Log.AcceptLoopFailed(_logger, e);
        }
    }

    // WebTransport sessions the listener accepted on MoqtPath (any h3 connection) go to the same MOQT handler.
    private async Task AcceptWebTransportSessionsAsync()
    {
        try
        {
            while (true)
            {
                ITransportSession session = await _webTransport.AcceptSessionAsync(_cts.Token).ConfigureAwait(false);
                string remote = session is WebTransportSession wt ? $"WebTransport session {wt.SessionId}" : "WebTransport";
                lock (_connections)
                {
                    _connections.RemoveAll(t => t.IsCompleted);
                    _connections.Add(Task.Run(() => Sessions.RunAsync(session, isWebTransport: true, remote, _cts.Token), CancellationToken.None));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
        {
            // Shutting down.
        }
    }

    /// <summary>The ALPN split: the same handler gets raw QUIC and WebTransport sessions.</summary>
    private async Task HandleConnectionAsync(QuicConnection connection)
    {
        string remote = connection.RemoteEndPoint.ToString();
        var transport = new QuicTransportSession(connection);
        try
        {
            switch (connection.NegotiatedApplicationProtocol)
            {
                case "h3":
                    await ServeHttp3Async(transport).ConfigureAwait(false);
                    break;
                case { } alpn when MoqtVersions.TryParseAlpn(alpn, out _):
                    await Sessions.RunAsync(transport, isWebTransport: false, remote, _cts.Token).ConfigureAwait(false);
                    break;
                default:
                    Log.UnknownAlpn(_logger, remote, connection.NegotiatedApplicationProtocol);
                    await transport.CloseAsync(0x100 + 120, "no application protocol").ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.ConnectionFailed(_logger, remote, e);
        }
        finally
        {
            await transport.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task ServeHttp3Async(QuicTransportSession transport)
    {
        var http = Http3Connection.CreateServer(transport, _router.HandleAsync, new Http3ConnectionOptions
        {
            AdditionalSettings = WebTransportSettings.Server(),
            IdleCloseDelay = MoqLiveServerDefaults.Http3IdleCloseDelay,
            TimeProvider = _timeProvider,
            LoggerFactory = _loggerFactory,
        });
        await using (http.ConfigureAwait(false))
        {
            try
            {
                await http.StartAsync(_cts.Token).ConfigureAwait(false);
                await transport.Closed.WaitAsync(_cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await http.CloseAsync(Http3ErrorCode.NoError, "server shutting down", CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Stops accepting, closes every session, stops the HTTPS site and ends the relay's tracks.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _cts.CancelAsync().ConfigureAwait(false);
        if (_listener is not null)
            await _listener.DisposeAsync().ConfigureAwait(false);
        await _acceptLoop.ConfigureAwait(false);
        await _webTransport.DisposeAsync().ConfigureAwait(false);
        await _webTransportLoop.ConfigureAwait(false);
        Task[] connections;
        lock (_connections)
            connections = [.. _connections];
        try
        {
            await Task.WhenAll(connections).WaitAsync(TimeSpan.FromSeconds(5), _timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Sessions that do not close in time are abandoned; the process is going away.
        }
        await StopWebAsync().ConfigureAwait(false);
        await Channels.DisposeAsync().ConfigureAwait(false);
        await Relay.DisposeAsync().ConfigureAwait(false);
        Certificate.Dispose();
        _cts.Dispose();
    }
}
