using System.Threading.Channels;
using MoqLive.Transport;

namespace MoqLive.Http3.WebTransport;

/// <summary>
/// Accepts WebTransport sessions on one path of HTTP/3 servers, as an <see cref="ITransportListener"/> for the
/// layers above (MOQT). Map <see cref="HandleAsync"/> on an <see cref="Http3Router"/>; each extended CONNECT
/// that offers one of the <see cref="WebTransportListenerOptions.Protocols"/> (or any, when that list is empty)
/// is accepted, and the session is handed to <see cref="AcceptSessionAsync"/>.
/// </summary>
public sealed class WebTransportListener : ITransportListener
{
    private readonly WebTransportListenerOptions _options;
    private readonly Channel<ITransportSession> _sessions;
    private readonly CancellationTokenSource _disposed = new();

    public WebTransportListener(WebTransportListenerOptions? options = null)
    {
        _options = options ?? new WebTransportListenerOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.AcceptQueueCapacity);
        _sessions = Channel.CreateBounded<ITransportSession>(_options.AcceptQueueCapacity);
    }

    /// <inheritdoc/>
    public async ValueTask<ITransportSession> AcceptSessionAsync(CancellationToken cancellationToken = default) =>
        await _sessions.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The request handler to map on the WebTransport path: refuses plain requests with 400, WebTransport without
    /// a common protocol with 400, a full accept queue with 503; otherwise accepts and keeps the CONNECT stream
    /// open until the session ends.
    /// </summary>
    public async ValueTask HandleAsync(Http3ServerRequest request, Http3ServerResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        if (!request.IsWebTransport)
        {
            response.StatusCode = 400;
            return;
        }

        string? protocol = null;
        if (_options.Protocols.Count > 0)
        {
            // Server preference order among what the client offered.
            IReadOnlyList<string> offered = request.WebTransportAvailableProtocols;
            protocol = _options.Protocols.FirstOrDefault(offered.Contains);
            if (protocol is null)
            {
                response.StatusCode = 400;
                return;
            }
        }

        if (_disposed.IsCancellationRequested)
        {
            response.StatusCode = 503;
            return;
        }

        WebTransportSession session = await request.AcceptWebTransportAsync(response, protocol, cancellationToken).ConfigureAwait(false);
        if (!_sessions.Writer.TryWrite(session))
        {
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
