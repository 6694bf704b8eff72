using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoqLive.Quic.Internal;
using MoqLive.Quic.Tls;

namespace MoqLive.Quic;

/// <summary>
/// Accepts QUIC connections on one UDP socket (the shape of System.Net.Quic's <c>QuicListener</c>). Connections are
/// handed out once their handshake completed, with the ALPN protocol already negotiated.
/// </summary>
public sealed class QuicListener : IAsyncDisposable
{
    private readonly QuicEndpoint _endpoint;
    private readonly Channel<QuicConnection> _accepted;
    private int _disposed;

    private QuicListener(QuicEndpoint endpoint, int backlog)
    {
        _endpoint = endpoint;
        _accepted = Channel.CreateBounded<QuicConnection>(new BoundedChannelOptions(backlog)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full; the connection is then refused
            SingleWriter = false,
        });
    }

    /// <summary>The bound address (with the actual port when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_endpoint.LocalEndPoint;

    /// <summary>Binds the socket and starts accepting.</summary>
    public static ValueTask<QuicListener> ListenAsync(QuicListenerOptions options, CancellationToken cancellationToken = default) =>
        ListenAsync(options, null, cancellationToken);

    /// <summary>Listens on a socket from <paramref name="socketFactory"/> (given the address to bind); for tests.</summary>
    internal static ValueTask<QuicListener> ListenAsync(
        QuicListenerOptions options, Func<IPEndPoint, IDatagramSocket>? socketFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var tls = new TlsServerOptions
        {
            Certificate = options.ServerCertificate,
            ApplicationProtocols = [.. options.ApplicationProtocols],
            KeyLog = options.KeyLog,
        };
        var settings = options.ConnectionOptions ?? QuicDefaults.ConnectionOptions;
        ILogger logger = options.LoggerFactory?.CreateLogger<QuicListener>() ?? NullLogger<QuicListener>.Instance;
        IDatagramSocket socket = socketFactory is null ? UdpDatagramSocket.Bind(options.ListenEndPoint!, settings.DiscoversPathMtu, batchSends: true) : socketFactory(options.ListenEndPoint!);
        var endpoint = new QuicEndpoint(socket, options.TimeProvider, logger, settings);
        var listener = new QuicListener(endpoint, options.ListenBacklog);
        endpoint.EnableServer(tls, options.HandshakeTimeout, options.RequireRetry, listener.OnEstablished);
        endpoint.Start(dedicatedThread: true);
        Log.ListenerStarted(logger, endpoint.LocalEndPoint, string.Join(",", options.ApplicationProtocols));
        return ValueTask.FromResult(listener);
    }

    /// <summary>Waits for the next established connection. Throws <see cref="ObjectDisposedException"/> once disposed.</summary>
    public async ValueTask<QuicConnection> AcceptConnectionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _accepted.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(QuicListener));
        }
    }

    /// <summary>
    /// Serves <paramref name="certificate"/> to connections that start from now on (e.g. a renewed certificate);
    /// connections in progress or established keep the one they started with. The caller keeps ownership.
    /// </summary>
    public void UpdateServerCertificate(TlsServerCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        _endpoint.UpdateServerCertificate(certificate);
    }

    /// <summary>Stops accepting. Connections already accepted stay open; unaccepted ones are closed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _endpoint.DisableServer();
        _accepted.Writer.TryComplete();
        while (_accepted.Reader.TryRead(out var pending)) await pending.DisposeAsync().ConfigureAwait(false);
    }

    // Called under the connection's lock when its handshake completes.
    private bool OnEstablished(QuicConnection connection) => Volatile.Read(ref _disposed) == 0 && _accepted.Writer.TryWrite(connection);
}
