using System.Buffers;
using MoqLive.Http3.WebTransport;
using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session;
using MoqLive.Moqt.Wire;
using MoqLive.Quic;
using MoqLive.Quic.Transport;

namespace MoqLive.Cli.Commands;

/// <summary>
/// A client MOQT session for <c>moqlive publish</c>/<c>subscribe</c>: <c>moqt://host:port/path</c> is raw QUIC (ALPN
/// <c>moqt-19</c>, PATH and AUTHORITY in SETUP); <c>https://host:port/path</c> is WebTransport over HTTP/3 (extended
/// CONNECT offering <c>moqt-19</c>), as a browser connects.
/// </summary>
internal sealed class MoqtClientConnection : IAsyncDisposable
{
    // What carries the session: the QUIC connection, or the WebTransport client (HTTP/3 over QUIC).
    private readonly IAsyncDisposable _carrier;

    private MoqtClientConnection(IAsyncDisposable carrier, MoqtSession session)
    {
        _carrier = carrier;
        Session = session;
    }

    public MoqtSession Session { get; }

    public static Uri? ParseUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out Uri? url) && (url.Scheme == "moqt" || url.Scheme == Uri.UriSchemeHttps) && url.Host.Length > 0 ? url : null;

    public static async Task<MoqtClientConnection> ConnectAsync(
        Uri url, ClientCertificateOptions tls, IPublisher? publisher, TimeProvider timeProvider, CancellationToken cancellationToken, TimeSpan? handshakeTimeout = null,
        TrackProducerOptions? receivedTracks = null, ArrayPool<byte>? payloadPool = null, QuicClientEndpoint? endpoint = null)
    {
        string alpn = MoqtVersion.Draft19.GetAlpn();
        var options = new MoqtSessionOptions
        {
            Publisher = publisher,
            ImplementationName = "MoqLive CLI",
            TimeProvider = timeProvider,
            ReceivedTrackOptions = receivedTracks ?? TrackProducerOptions.Default,
            PayloadPool = payloadPool ?? ArrayPool<byte>.Shared,
        };
        if (url.Scheme == Uri.UriSchemeHttps)
        {
            WebTransportClient client = await WebTransportClient.ConnectAsync(url, new WebTransportClientOptions
            {
                CertificateValidation = tls.Validation,
                PinnedCertificateSha256 = tls.PinnedSha256 is null ? [] : [tls.PinnedSha256],
                TimeProvider = timeProvider,
            }, cancellationToken).ConfigureAwait(false);
            try
            {
                WebTransportSession wt = await client.OpenSessionAsync(url, [alpn], cancellationToken: cancellationToken).ConfigureAwait(false);
                MoqtSession session = await MoqtSession.ConnectAsync(wt, options with { IsWebTransport = true }, cancellationToken).ConfigureAwait(false);
                return new MoqtClientConnection(client, session);
            }
            catch
            {
                await client.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        var quicOptions = new QuicClientConnectionOptions
        {
            RemoteEndPoint = QuicClientConnectionOptions.RemoteEndPointOf(url),
            ServerName = url.IdnHost,
            ApplicationProtocols = [alpn],
            CertificateValidation = tls.Validation,
            PinnedCertificateSha256 = tls.PinnedSha256 is null ? [] : [tls.PinnedSha256],
            HandshakeTimeout = handshakeTimeout ?? QuicDefaults.HandshakeTimeout,
            TimeProvider = timeProvider,
        };
        // Raw QUIC only: through a socket shared with other connections (endpoint), or one of its own.
        QuicConnection connection = endpoint is null
            ? await QuicConnection.ConnectAsync(quicOptions, cancellationToken).ConfigureAwait(false)
            : await endpoint.ConnectAsync(quicOptions, cancellationToken).ConfigureAwait(false);
        var quic = new QuicTransportSession(connection);
        try
        {
            MoqtSession session = await MoqtSession.ConnectAsync(quic, options with { Path = url.PathAndQuery, Authority = url.Authority }, cancellationToken).ConfigureAwait(false);
            return new MoqtClientConnection(quic, session);
        }
        catch
        {
            await quic.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Session.DisposeAsync().ConfigureAwait(false);
        await _carrier.DisposeAsync().ConfigureAwait(false);
    }
}
