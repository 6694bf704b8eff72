using Microsoft.Extensions.Logging;
using MoqLive.Http3;
using MoqLive.Http3.WebTransport;
using MoqLive.Moqt.Wire;

namespace MoqLive.Server;

/// <summary>
/// The HTTP/3 request handler of <c>h3</c> connections: an extended CONNECT (<c>:protocol webtransport</c>) to
/// <see cref="MoqLiveServerOptions.MoqtPath"/> from an allowed origin, offering <c>moqt-19</c> in
/// <c>wt-available-protocols</c> (or offering nothing, as a page that passes no <c>protocols</c> does), becomes a
/// WebTransport session handed to the <see cref="MoqtSessionHandler"/>. Everything else is refused: 404 for other
/// paths and plain requests, 403 for a foreign origin, 400 when only other protocols are offered.
/// </summary>
internal sealed class WebTransportMoqtEndpoint
{
    private readonly MoqtSessionHandler _sessions;
    private readonly string _path;
    private readonly HashSet<string> _allowedOrigins;
    private readonly ILogger _logger;
    private readonly string _alpn = MoqtVersion.Draft19.GetAlpn();

    public WebTransportMoqtEndpoint(MoqtSessionHandler sessions, string path, IEnumerable<string> allowedOrigins, ILogger logger)
    {
        _sessions = sessions;
        _path = path;
        _allowedOrigins = new HashSet<string>(allowedOrigins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);
        _logger = logger;
    }

    /// <summary>The status a request gets before any session is made, or null when it is acceptable.</summary>
    internal int? Check(Http3ServerRequest request, out string? protocol)
    {
        protocol = null;
        string path = request.Path ?? string.Empty;
        int query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
            path = path[..query];
        if (!request.IsWebTransport || path != _path)
            return 404;
        if (request.GetHeader("origin") is { } origin && _allowedOrigins.Count > 0 && !_allowedOrigins.Contains(origin.TrimEnd('/')))
            return 403;
        IReadOnlyList<string> offered = request.WebTransportAvailableProtocols;
        if (offered.Count > 0)
        {
            if (!offered.Contains(_alpn))
                return 400;
            protocol = _alpn;
        }
        return null;
    }

    public async ValueTask HandleAsync(Http3ServerRequest request, Http3ServerResponse response, CancellationToken cancellationToken)
    {
        if (Check(request, out string? protocol) is { } status)
        {
            Log.WebTransportRefused(_logger, request.GetHeader("origin"), request.Path, status);
            response.StatusCode = status;
            return;
        }

        WebTransportSession session = await request.AcceptWebTransportAsync(response, protocol, cancellationToken).ConfigureAwait(false);
        // Returning ends the CONNECT stream and with it the session, so this runs until the session is over.
        await _sessions.RunAsync(session, isWebTransport: true, $"{request.GetHeader("origin") ?? "native"} WebTransport {session.SessionId}", cancellationToken).ConfigureAwait(false);
    }
}
