using MoqLive.Quic;
using MoqLive.Quic.Transport;
using MoqLive.Transport;

namespace MoqLive.Http3.WebTransport;

/// <summary>
/// The client side of WebTransport over HTTP/3 (draft-ietf-webtrans-http3-02, as Chromium speaks it): one QUIC
/// connection with ALPN <c>h3</c>, the HTTP/3 client with WebTransport's SETTINGS, and any number of sessions on it,
/// each opened with an extended CONNECT (<see cref="OpenSessionAsync"/>). Used by <c>moqlive publish/subscribe</c>
/// for <c>https://</c> URLs and by tests.
/// </summary>
/// <remarks>
/// Disposing closes every session (CLOSE_WEBTRANSPORT_SESSION is not sent; the connection closes with
/// H3_NO_ERROR, which ends the sessions on both sides, draft-02 §5) and the QUIC connection.
/// </remarks>
public sealed class WebTransportClient : IAsyncDisposable
{
    private readonly ITransportSession _transport;

    private WebTransportClient(ITransportSession transport, Http3Connection connection)
    {
        _transport = transport;
        Connection = connection;
    }

    /// <summary>The HTTP/3 connection (for GOAWAY, the peer's SETTINGS, or plain requests beside the sessions).</summary>
    public Http3Connection Connection { get; }

    /// <summary>
    /// Connects to the server of <paramref name="url"/> (an <c>https</c> URL; its host and port) over QUIC with ALPN
    /// <c>h3</c> and starts HTTP/3. Open sessions with <see cref="OpenSessionAsync"/>.
    /// </summary>
    /// <exception cref="QuicException">The QUIC handshake failed (unreachable, certificate refused, no h3).</exception>
    public static async ValueTask<WebTransportClient> ConnectAsync(Uri url, WebTransportClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException($"WebTransport URLs are https:// (got {url.Scheme}://).", nameof(url));
        options ??= new WebTransportClientOptions();
        QuicConnection connection = await QuicConnection.ConnectAsync(new QuicClientConnectionOptions
        {
            RemoteEndPoint = QuicClientConnectionOptions.RemoteEndPointOf(url),
            ServerName = url.IdnHost,
            ApplicationProtocols = ["h3"],
            CertificateValidation = options.CertificateValidation,
            PinnedCertificateSha256 = [.. options.PinnedCertificateSha256],
            ConnectionOptions = options.ConnectionOptions,
            TimeProvider = options.TimeProvider,
            LoggerFactory = options.LoggerFactory,
        }, cancellationToken).ConfigureAwait(false);
        return await StartAsync(new QuicTransportSession(connection), options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the HTTP/3 client over an established connection with ALPN <c>h3</c> (a QUIC connection made elsewhere,
    /// e.g. over a simulated network in tests). The client owns <paramref name="transport"/> from here on.
    /// </summary>
    public static async ValueTask<WebTransportClient> StartAsync(ITransportSession transport, WebTransportClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        options ??= new WebTransportClientOptions();
        var settings = new Dictionary<ulong, ulong>(options.Http3.AdditionalSettings);
        foreach ((ulong id, ulong value) in WebTransportSettings.Client())
            settings.TryAdd(id, value);
        Http3Connection http = Http3Connection.CreateClient(transport, options.Http3 with
        {
            AdditionalSettings = settings,
            LoggerFactory = options.Http3.LoggerFactory ?? options.LoggerFactory,
        });
        try
        {
            await http.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await http.DisposeAsync().ConfigureAwait(false);
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new WebTransportClient(transport, http);
    }

    /// <summary>
    /// Opens a WebTransport session on <paramref name="url"/>'s path and query (extended CONNECT, RFC 9220 /
    /// draft-02 §3.2), offering <paramref name="protocols"/> in <c>wt-available-protocols</c>; the negotiated one is
    /// <see cref="WebTransportSession.Protocol"/>. Several sessions may share the connection.
    /// </summary>
    /// <exception cref="Http3Exception">The server does not support WebTransport, or refused the session (non-2xx status).</exception>
    public ValueTask<WebTransportSession> OpenSessionAsync(
        Uri url, IReadOnlyList<string>? protocols = null, string? origin = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        return Connection.ConnectWebTransportAsync(url.Authority, url.PathAndQuery, protocols, origin, cancellationToken);
    }

    /// <summary>Closes the HTTP/3 connection (ending its sessions) and the QUIC connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync().ConfigureAwait(false);
        await _transport.DisposeAsync().ConfigureAwait(false);
    }
}
