using System.Net;
using MoqLive.Http3.WebTransport;
using MoqLive.Moqt.Session;
using MoqLive.Moqt.Wire;
using MoqLive.Quic.Tls;
using FullTrackName = MoqLive.Moqt.Model.FullTrackName;
using TrackNamespace = MoqLive.Moqt.Model.TrackNamespace;

namespace MoqLive.Server;

// Warm-up (issue 5): the first session a fresh process serves runs every method on its path for the first time, and
// .NET compiles each one then. Measured from Chromium (BENCHMARKS.md "WebTransport session setup"), the first browser
// session took 1.7 s from `new WebTransport()` to `ready` and 2.3 s to MOQT SETUP, where the next ones took 9–45 ms:
// ServerHello, the HTTP/3 SETTINGS after the handshake, the CONNECT's 200 and SETUP each waited hundreds of ms for
// the compiler. One session to ourselves before the server counts as started pays that instead of the first viewer.
public sealed partial class MoqLiveServer
{
    /// <summary>
    /// Opens one WebTransport session with MOQT SETUP to this server over loopback, as a browser does (QUIC + TLS 1.3
    /// handshake with a pinned certificate hash, HTTP/3 SETTINGS, extended CONNECT offering moqt-19, SETUP both ways),
    /// then closes it. Failures are logged and otherwise ignored: the server works without it, only its first session is slower.
    /// Cancelling <paramref name="cancellationToken"/> (the start is cancelled) throws.
    /// </summary>
    internal async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        long started = _timeProvider.GetTimestamp();
        try
        {
            using var limit = new CancellationTokenSource(MoqLiveServerDefaults.WarmUpTimeout, _timeProvider);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
            await using (WebTransportClient client = await WebTransportClient.ConnectAsync(WarmUpUrl, new WebTransportClientOptions
            {
                CertificateValidation = TlsCertificateValidation.PinnedSha256,
                PinnedCertificateSha256 = [Certificate.Sha256],
                TimeProvider = _timeProvider,
            }, timeout.Token).ConfigureAwait(false))
            {
                WebTransportSession session = await client.OpenSessionAsync(WarmUpUrl, [MoqtVersion.Draft19.GetAlpn()], cancellationToken: timeout.Token).ConfigureAwait(false);
                MoqtSession moqt = await MoqtSession.ConnectAsync(session, new MoqtSessionOptions
                {
                    IsWebTransport = true,
                    ImplementationName = "MoqLive warm-up",
                    TimeProvider = _timeProvider,
                }, timeout.Token).ConfigureAwait(false);

                // One request's round trip: the server answers requests only once the SETUP exchange is complete on its
                // side too (draft-19 "Session initialization"), so closing after the answer cannot cut the server's
                // session short before it counts as set up; and the request path is compiled as well.
                await moqt.TrackStatusAsync(WarmUpTrack, timeout.Token).ConfigureAwait(false);
                await moqt.DisposeAsync().ConfigureAwait(false);
            }

            // The server's side of the session ends with the connection: wait for it, so the server starts with no
            // session open (ActiveSessions, /api/stats).
            Task[] serving;
            lock (_connections)
                serving = [.. _connections];
            await Task.WhenAll(serving).WaitAsync(timeout.Token).ConfigureAwait(false);
            Log.WarmedUp(_logger, _timeProvider.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            Log.WarmUpFailed(_logger, WarmUpUrl, e);
        }
    }

    // A track nobody publishes: the relay answers its TRACK_STATUS with REQUEST_ERROR DOES_NOT_EXIST.
    private static readonly FullTrackName WarmUpTrack = FullTrackName.Create(TrackNamespace.Of("moqlive-warm-up"), "none");

    // The WebTransport URL over loopback: a wildcard listen address is reached through the loopback of its family.
    private Uri WarmUpUrl
    {
        get
        {
            IPAddress address = UdpEndPoint.Address;
            if (address.Equals(IPAddress.Any))
                address = IPAddress.Loopback;
            else if (address.Equals(IPAddress.IPv6Any))
                address = IPAddress.IPv6Loopback;
            return new Uri(new Uri($"https://{new IPEndPoint(address, UdpEndPoint.Port)}/"), _options.MoqtPath);
        }
    }
}
