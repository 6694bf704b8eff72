using System.Net;
using MoqLive.Http3.WebTransport;
using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session;
using MoqLive.Quic.Tls;
using MoqtVersion = MoqLive.Moqt.Wire.MoqtVersion;
using MoqtVersions = MoqLive.Moqt.Wire.MoqtVersions;

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
                WebTransportSession session = await client.OpenSessionAsync(WarmUpUrl, [MoqtVersions.GetAlpn(MoqtVersion.Draft19)], cancellationToken: timeout.Token).ConfigureAwait(false);
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
                await WarmUpMediaPathAsync(moqt, timeout.Token).ConfigureAwait(false);
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

    /// <summary>
    /// The media path as a streamer and its viewers take it: PUBLISH a track with a one-object group, SUBSCRIBE to it
    /// through the relay and read an object live, SUBSCRIBE again with a joining FETCH and read it from the relay's
    /// cache, then end the track (PUBLISH_DONE, so the relay drops it at once) and wait for the end to come back. Without it the first viewer's SUBSCRIBE_OK took
    /// 295–345 ms on an idle machine against 25–30 ms for the second viewer's of the same cached tracks (BENCHMARKS.md,
    /// "Browser apps", session 8): the relay's PUBLISH, cache, SUBSCRIBE, FETCH and data-stream paths ran for the first time.
    /// </summary>
    private static async Task WarmUpMediaPathAsync(MoqtSession moqt, CancellationToken cancellationToken)
    {
        using var producer = new TrackProducer(new TrackInfo(WarmUpMediaTrack));
        SubgroupProducer subgroup = producer.CreateGroup(0).CreateSubgroup(0);
        subgroup.Write(0, MoqtPayload.Create([0]));
        TrackConsumer pushed = producer.Subscribe(new TrackConsumerOptions { Start = TrackStart.At(Location.Zero) });
        PublishResult published = await moqt.PublishAsync(pushed, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!published.IsOk)
        {
            pushed.Dispose();
            throw new InvalidOperationException($"The warm-up PUBLISH was refused: {published}.");
        }

        // A first viewer's live subscription gets the object once it reaches the relay; a second one joins with a FETCH
        // of it from the relay's cache.
        using TrackConsumer first = (await moqt.SubscribeAsync(WarmUpMediaTrack, cancellationToken: cancellationToken).ConfigureAwait(false)).GetValueOrThrow().Track;
        // Object 0 may have reached the relay before this subscription, which then starts after it: object 1 comes live.
        subgroup.Write(1, MoqtPayload.Create([1]));
        TrackReadResult firstGroup = await first.NextGroupAsync(cancellationToken).ConfigureAwait(false);
        if (firstGroup.Group is { } group && await group.NextSubgroupAsync(cancellationToken).ConfigureAwait(false) is { } live)
            (await live.ReadObjectAsync(cancellationToken).ConfigureAwait(false)).Object?.Release();

        var (subscription, fetch) = await moqt.SubscribeWithJoiningFetchAsync(WarmUpMediaTrack, cancellationToken: cancellationToken).ConfigureAwait(false);
        using TrackConsumer second = subscription.GetValueOrThrow().Track;
        using (FetchConsumer fetched = fetch.GetValueOrThrow().Objects)
            (await fetched.ReadObjectAsync(cancellationToken).ConfigureAwait(false)).Object?.Release();

        // PUBLISH_DONE: the relay drops the track and ends both subscriptions.
        subgroup.Complete();
        producer.Complete();
        foreach (TrackConsumer subscriber in (TrackConsumer[])[first, second])
        {
            while ((await subscriber.NextGroupAsync(cancellationToken).ConfigureAwait(false)).Group is { } rest)
            {
                while (await rest.NextSubgroupAsync(cancellationToken).ConfigureAwait(false) is { } received)
                {
                    ObjectReadResult read;
                    while ((read = await received.ReadObjectAsync(cancellationToken).ConfigureAwait(false)).Status == ObjectReadStatus.Object)
                        read.Object!.Release();
                }
            }
        }
    }

    private static readonly FullTrackName WarmUpMediaTrack = FullTrackName.Create(TrackNamespace.Of("moqlive-warm-up"), "media");

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
