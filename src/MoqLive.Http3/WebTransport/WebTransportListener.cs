using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoqLive.Transport;

namespace MoqLive.Http3.WebTransport;

/// <summary>
/// Accepts WebTransport sessions on one path of HTTP/3 servers, as an <see cref="ITransportListener"/> for the
/// layers above (MOQT). Map <see cref="HandleAsync"/> on an <see cref="Http3Router"/>; each extended CONNECT from an
/// allowed origin that offers one of the <see cref="WebTransportListenerOptions.Protocols"/> (or offers none) is
/// accepted, and the session is handed to <see cref="AcceptSessionAsync"/>.
/// </summary>
public sealed class WebTransportListener : ITransportListener
{
    private readonly WebTransportListenerOptions _options;
    private readonly HashSet<string> _allowedOrigins;
    private readonly Channel<ITransportSession> _sessions;
    private readonly CancellationTokenSource _disposed = new();
    private readonly ILogger _logger;

    public WebTransportListener(WebTransportListenerOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        _options = options ?? new WebTransportListenerOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.AcceptQueueCapacity);
        // RFC 6454 §6.2: an origin serializes as scheme://host[:port]; compare without a trailing slash, ignoring case.
        _allowedOrigins = new HashSet<string>(_options.AllowedOrigins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);
        _sessions = Channel.CreateBounded<ITransportSession>(_options.AcceptQueueCapacity);
        _logger = loggerFactory?.CreateLogger<WebTransportListener>() ?? (ILogger)NullLogger.Instance;
    }

    /// <inheritdoc/>
    public async ValueTask<ITransportSession> AcceptSessionAsync(CancellationToken cancellationToken = default) =>
        await _sessions.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The status a request gets instead of a session, or null when it is accepted (then <paramref name="protocol"/>
    /// is the one to answer in <c>wt-protocol</c>): 400 for a plain request or no common protocol, 403 for an origin
    /// that is not allowed, 503 when the accept queue is full or the listener is closed.
    /// </summary>
    public int? Check(Http3ServerRequest request, out string? protocol)
    {
        ArgumentNullException.ThrowIfNull(request);
        protocol = null;
        if (!request.IsWebTransport)
            return 400;
        if (_allowedOrigins.Count > 0 && request.GetHeader("origin") is { } origin && !_allowedOrigins.Contains(origin.TrimEnd('/')))
            return 403;

        IReadOnlyList<string> offered = request.WebTransportAvailableProtocols;
        if (_options.Protocols.Count > 0 && offered.Count > 0)
        {
            // Server preference order among what the client offered.
            protocol = _options.Protocols.FirstOrDefault(offered.Contains);
            if (protocol is null)
                return 400;
        }

        if (_disposed.IsCancellationRequested || _sessions.Reader.Count >= _options.AcceptQueueCapacity)
            return 503;
        return null;
    }

    /// <summary>
    /// The request handler to map on the WebTransport path: refuses what <see cref="Check"/> refuses, otherwise
    /// accepts and keeps the CONNECT stream open until the session ends.
    /// </summary>
    public async ValueTask HandleAsync(Http3ServerRequest request, Http3ServerResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        if (Check(request, out string? protocol) is { } status)
        {
            Log.WebTransportRefused(_logger, request.StreamId, request.GetHeader("origin"), request.Path, status);
            response.StatusCode = status;
            return;
        }

        WebTransportSession session = await request.AcceptWebTransportAsync(response, protocol, cancellationToken).ConfigureAwait(false);
        if (!_sessions.Writer.TryWrite(session))
        {
            // Lost a race for the last queue slot (or the listener closed meanwhile).
            await session.CloseAsync(0, "server busy", cancellationToken).ConfigureAwait(false);
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        try
        {
            await session.Closed.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
            await session.CloseAsync(0, "listener closed", CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Stops accepting; sessions still queued or open are closed.</summary>
    public async ValueTask DisposeAsync()
    {
        _sessions.Writer.TryComplete();
        await _disposed.CancelAsync().ConfigureAwait(false);
        while (_sessions.Reader.TryRead(out ITransportSession? session))
            await session.CloseAsync(0, "listener closed").ConfigureAwait(false);
    }
}
