using System.Net;
using MoqLive.Http3;
using MoqLive.Http3.WebTransport;
using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session;
using MoqLive.Moqt.Wire;
using MoqLive.Quic;
using MoqLive.Quic.Tls;
using MoqLive.Quic.Transport;

namespace MoqLive.Cli.Commands;

/// <summary>
/// A client MOQT session for <c>moqlive publish</c>/<c>subscribe</c>: <c>moqt://host:port/path</c> is raw QUIC (ALPN
/// <c>moqt-19</c>, PATH and AUTHORITY in SETUP); <c>https://host:port/path</c> is WebTransport over HTTP/3 (extended
/// CONNECT offering <c>moqt-19</c>), as a browser connects.
/// </summary>
internal sealed class MoqtClientConnection : IAsyncDisposable
{
    private readonly QuicTransportSession _quic;
    private readonly Http3Connection? _http;

    private MoqtClientConnection(QuicTransportSession quic, Http3Connection? http, MoqtSession session)
    {
        _quic = quic;
        _http = http;
        Session = session;
    }

    public MoqtSession Session { get; }

    public static Uri? ParseUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out Uri? url) && (url.Scheme == "moqt" || url.Scheme == Uri.UriSchemeHttps) && url.Host.Length > 0 ? url : null;

    public static async Task<MoqtClientConnection> ConnectAsync(
        Uri url, ClientCertificateOptions tls, IPublisher? publisher, TimeProvider timeProvider, CancellationToken cancellationToken, TimeSpan? handshakeTimeout = null)
    {
        bool webTransport = url.Scheme == Uri.UriSchemeHttps;
        int port = url.Port > 0 ? url.Port : 443;
        EndPoint remote = IPAddress.TryParse(url.IdnHost, out IPAddress? address) ? new IPEndPoint(address, port) : new DnsEndPoint(url.IdnHost, port);
        string alpn = MoqtVersion.Draft19.GetAlpn();
        QuicConnection connection = await QuicConnection.ConnectAsync(new QuicClientConnectionOptions
        {
            RemoteEndPoint = remote,
            ServerName = url.IdnHost,
            ApplicationProtocols = [webTransport ? "h3" : alpn],
            CertificateValidation = tls.Validation,
            PinnedCertificateSha256 = tls.PinnedSha256 is null ? [] : [tls.PinnedSha256],
            HandshakeTimeout = handshakeTimeout ?? QuicDefaults.HandshakeTimeout,
            TimeProvider = timeProvider,
        }, cancellationToken).ConfigureAwait(false);
        var quic = new QuicTransportSession(connection);
        Http3Connection? http = null;
        try
        {
            var options = new MoqtSessionOptions
            {
                Publisher = publisher,
                ImplementationName = "MoqLive CLI",
                TimeProvider = timeProvider,
            };
            MoqtSession session;
            if (webTransport)
            {
                http = Http3Connection.CreateClient(quic, new Http3ConnectionOptions { AdditionalSettings = WebTransportSettings.Client() });
                await http.StartAsync(cancellationToken).ConfigureAwait(false);
                WebTransportSession wt = await http.ConnectWebTransportAsync(url.Authority, url.PathAndQuery, [alpn], cancellationToken: cancellationToken).ConfigureAwait(false);
                session = await MoqtSession.ConnectAsync(wt, options with { IsWebTransport = true }, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                session = await MoqtSession.ConnectAsync(quic, options with { Path = url.PathAndQuery, Authority = url.Authority }, cancellationToken).ConfigureAwait(false);
            }
            return new MoqtClientConnection(quic, http, session);
        }
        catch
        {
            if (http is not null)
                await http.DisposeAsync().ConfigureAwait(false);
            await quic.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Session.DisposeAsync().ConfigureAwait(false);
        if (_http is not null)
            await _http.DisposeAsync().ConfigureAwait(false);
        await _quic.DisposeAsync().ConfigureAwait(false);
    }
}
