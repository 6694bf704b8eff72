namespace MoqLive.Moqt.Model;

/// <summary>
/// Something you can subscribe to, fetch from and discover namespaces on (moxygen's <c>Publisher</c>). Symmetric: an
/// <c>MoqtSession</c> implements it for the remote peer (each call sends the request and returns the peer's answer), and
/// an application or the relay implements it to serve the requests a session receives. A relay is therefore just a
/// session handler.
/// </summary>
/// <remarks>
/// <para>Requests fail with result values (<c>XxxResult.Error(code, reason)</c> → REQUEST_ERROR), not exceptions; only
/// cancellation and fatal session errors throw.</para>
/// <para>Receiving side of a session, for SUBSCRIBE (Request ID r): <c>var result = await handler.SubscribeAsync(name, options)</c>;
/// on Ok send SUBSCRIBE_OK (LARGEST_OBJECT = <see cref="SubscribeOk.LargestLocation"/>, track properties from
/// <see cref="TrackConsumer.Info"/>), remember r → consumer (for joining FETCH), and drive the consumer's groups onto
/// subgroup streams (see <see cref="TrackConsumer"/>); on error send REQUEST_ERROR. When the peer cancels, dispose the
/// consumer.</para>
/// <para>Calling side: <c>await session.SubscribeAsync(name, options)</c> sends SUBSCRIBE and returns a consumer of a
/// <see cref="TrackProducer"/> the session fills from incoming subgroup streams and datagrams.</para>
/// </remarks>
public interface IPublisher
{
    /// <summary>SUBSCRIBE to <paramref name="track"/>. Ok carries a <see cref="TrackConsumer"/> owned by the caller (dispose = unsubscribe).</summary>
    ValueTask<SubscribeResult> SubscribeAsync(FullTrackName track, SubscribeOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>FETCH past objects (standalone, or joining an existing subscription). Ok carries a <see cref="FetchConsumer"/> owned by the caller.</summary>
    ValueTask<FetchResult> FetchAsync(FetchRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// SUBSCRIBE to <paramref name="track"/> and a Relative Joining FETCH <paramref name="groupsBack"/> groups back
    /// (draft-19 §"Joining Fetches"): the current group up to the Joining Location, then the subscription from there. A
    /// session sends both without waiting for SUBSCRIBE_OK (one round trip); this default subscribes, then fetches.
    /// </summary>
    /// <returns>The subscription's result and the FETCH's (an error when the subscription failed or nothing was published yet).</returns>
    async ValueTask<(SubscribeResult Subscription, FetchResult Fetch)> SubscribeWithJoiningFetchAsync(FullTrackName track, ulong groupsBack = 0,
        SubscribeOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= SubscribeOptions.Default;
        SubscribeResult subscription = await SubscribeAsync(track, options, cancellationToken).ConfigureAwait(false);
        if (!subscription.IsOk)
            return (subscription, FetchResult.Error(subscription.ErrorCode, subscription.Reason));
        FetchResult fetch = await FetchAsync(FetchRequest.RelativeJoining(subscription.Value!.Track, groupsBack, GroupOrder.Ascending, options.SubscriberPriority),
            cancellationToken).ConfigureAwait(false);
        return (subscription, fetch);
    }

    /// <summary>TRACK_STATUS: what a SUBSCRIBE_OK would say, without subscribing.</summary>
    ValueTask<TrackStatusResult> TrackStatusAsync(FullTrackName track, CancellationToken cancellationToken = default);

    /// <summary>SUBSCRIBE_NAMESPACE: current and future namespaces under <paramref name="prefix"/>. Ok carries a <see cref="NamespaceConsumer"/> owned by the caller.</summary>
    ValueTask<SubscribeNamespaceResult> SubscribeNamespaceAsync(TrackNamespace prefix, CancellationToken cancellationToken = default);
}
