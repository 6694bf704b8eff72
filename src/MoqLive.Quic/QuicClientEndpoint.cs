using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoqLive.Quic.Internal;

namespace MoqLive.Quic;

/// <summary>
/// One UDP socket shared by many outgoing <see cref="QuicConnection"/>s (quinn's client <c>Endpoint</c>): a dedicated
/// receive thread reads each burst of datagrams (with UDP GRO where the kernel has it) and routes every datagram to its
/// connection by Destination Connection ID, as <see cref="QuicListener"/> does for servers. For a process with many
/// connections this replaces a socket, an event-thread wake-up and a thread-pool hop per connection per datagram with
/// one wake-up per burst. A single connection is better off with <see cref="QuicConnection.ConnectAsync(QuicClientConnectionOptions, CancellationToken)"/>,
/// which gives it a socket of its own.
/// </summary>
/// <remarks>
/// Connections are independent: closing one retires its connection IDs and leaves the others alone, and a datagram for
/// a connection ID the endpoint does not know (say, of a connection closed and drained) is answered with a Stateless
/// Reset when it is a short-header packet large enough to hide one (RFC 9000 §10.3), and dropped otherwise. The socket
/// stays open while the endpoint or any of its connections is in use: <see cref="DisposeAsync"/> stops new connections,
/// and the socket closes when the last connection has drained.
/// </remarks>
public sealed class QuicClientEndpoint : IAsyncDisposable
{
    private readonly QuicEndpoint _endpoint;
    private readonly Core.ConnectionOptions _settings;
    private int _disposed;

    private QuicClientEndpoint(QuicEndpoint endpoint, Core.ConnectionOptions settings)
    {
        _endpoint = endpoint;
        _settings = settings;
    }

    /// <summary>The bound address (with the actual port when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_endpoint.LocalEndPoint;

    /// <summary>Binds the socket and starts its receive thread.</summary>
    public static QuicClientEndpoint Bind(QuicClientEndpointOptions options) => Bind(options, null);

    /// <summary>Binds a socket from <paramref name="socketFactory"/> (given the address to bind); for tests.</summary>
    internal static QuicClientEndpoint Bind(QuicClientEndpointOptions options, Func<IPEndPoint, IDatagramSocket>? socketFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var settings = options.ConnectionOptions ?? QuicDefaults.ConnectionOptions;
        ILogger logger = options.LoggerFactory?.CreateLogger<QuicClientEndpoint>() ?? NullLogger<QuicClientEndpoint>.Instance;
        IDatagramSocket socket = socketFactory is null ? UdpDatagramSocket.Bind(options.LocalEndPoint, settings.DiscoversPathMtu) : socketFactory(options.LocalEndPoint);
        var endpoint = new QuicEndpoint(socket, options.TimeProvider, logger, settings)
        {
            CompletesReadsInline = options.CompleteReadsOnReceiveThread,
            DrivesTimers = options.RunTimersOnReceiveThread,
        };
        endpoint.AddUser(); // this object's own use, released by DisposeAsync
        endpoint.Start(dedicatedThread: true);
        return new QuicClientEndpoint(endpoint, settings);
    }

    /// <summary>
    /// Connects to a server through this endpoint's socket and completes once the handshake did; fails with
    /// <see cref="QuicException"/>. <see cref="QuicClientConnectionOptions.LocalEndPoint"/> must be null, and
    /// <see cref="QuicClientConnectionOptions.ConnectionOptions"/> null or equal to the endpoint's: both belong to the
    /// endpoint. Throws <see cref="ObjectDisposedException"/> once the endpoint is disposed.
    /// </summary>
    public ValueTask<QuicConnection> ConnectAsync(QuicClientConnectionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (options.LocalEndPoint is not null)
            throw new ArgumentException("QuicClientConnectionOptions.LocalEndPoint must be null: the endpoint's socket is bound already.", nameof(options));
        if (options.ConnectionOptions is { } own && own != _settings)
            throw new ArgumentException("QuicClientConnectionOptions.ConnectionOptions must be null or the endpoint's: connections through one endpoint share them.", nameof(options));
        return QuicConnection.ConnectAsync(_endpoint, options, cancellationToken);
    }

    /// <summary>Stops new connections; the socket closes once every connection through it has drained.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _endpoint.ReleaseUser();
        return ValueTask.CompletedTask;
    }

    /// <summary>Completes when the receive thread has stopped and the socket is closed (for tests).</summary>
    internal Task Completion => _endpoint.Completion;
}
