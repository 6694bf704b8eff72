namespace MoqLive.Moqt.Model;

/// <summary>
/// Something that accepts what a publisher offers (moxygen's <c>Subscriber</c>): namespaces (PUBLISH_NAMESPACE) and
/// pushed tracks (PUBLISH). Symmetric like <see cref="IPublisher"/>: a session implements it toward the remote peer,
/// the relay and applications implement it to handle what a session receives.
/// </summary>
/// <remarks>
/// Receiving side of a session, for PUBLISH_NAMESPACE: <c>await handler.PublishNamespaceAsync(ns, session)</c>, passing
/// the session itself as the <see cref="IPublisher"/> so the handler can SUBSCRIBE/FETCH back through it; on Ok send
/// REQUEST_OK and dispose the registration when the peer cancels the request or the session closes. For PUBLISH: fill a
/// <see cref="TrackProducer"/> from the incoming streams and pass <c>producer.Subscribe()</c> to
/// <see cref="PublishAsync"/>.
/// </remarks>
public interface ISubscriber
{
    /// <summary>
    /// PUBLISH_NAMESPACE: <paramref name="publisher"/> serves tracks under <paramref name="trackNamespace"/>. Ok carries a
    /// registration; dispose it to withdraw the namespace.
    /// </summary>
    ValueTask<PublishNamespaceResult> PublishNamespaceAsync(TrackNamespace trackNamespace, IPublisher publisher, CancellationToken cancellationToken = default);

    /// <summary>PUBLISH: offers a track. On Ok the subscriber owns <paramref name="track"/>; on error the caller keeps it.</summary>
    ValueTask<PublishResult> PublishAsync(TrackConsumer track, PublishOptions? options = null, CancellationToken cancellationToken = default);
}
