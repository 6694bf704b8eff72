using MoqLive.Moqt.Model;
using MoqLive.Relay.Internal;

namespace MoqLive.Relay;

/// <summary>The relay as an <see cref="ISubscriber"/>: what upstream (publishing) sessions call.</summary>
public sealed partial class MoqtRelay
{
    /// <summary>
    /// PUBLISH_NAMESPACE: routes SUBSCRIBE/FETCH for tracks under <paramref name="trackNamespace"/> to
    /// <paramref name="publisher"/>, tells matching SUBSCRIBE_NAMESPACE subscribers, and resumes tracks waiting for a
    /// publisher that went away. Dispose the returned registration to withdraw.
    /// </summary>
    public ValueTask<PublishNamespaceResult> PublishNamespaceAsync(TrackNamespace trackNamespace, IPublisher publisher, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trackNamespace);
        ArgumentNullException.ThrowIfNull(publisher);
        PublisherRegistration registration;
        List<RelayTrack> resume = [];
        lock (_sync)
        {
            if (_disposed)
                return ValueTask.FromResult(PublishNamespaceResult.Error(RequestErrorCode.GoingAway, "Relay shutting down."));
            registration = new PublisherRegistration(this, trackNamespace, publisher, ++_registrationOrder);
            _publishers.Add(registration);
            foreach (var subscriber in _namespaceSubscribers)
            {
                if (subscriber.Prefix.IsPrefixOf(trackNamespace))
                    subscriber.Announce(trackNamespace);
            }

            foreach (var entry in _tracks.Values)
            {
                if (entry.State == RelayTrackState.AwaitingPublisher && !entry.ResumeInFlight && trackNamespace.IsPrefixOf(entry.Name.Namespace))
                {
                    entry.ResumeInFlight = true;
                    resume.Add(entry);
                }
            }
        }

        Log.NamespacePublished(_logger, trackNamespace.ToString());
        foreach (var entry in resume)
            _ = ResumeAsync(entry, registration);
        return ValueTask.FromResult(PublishNamespaceResult.Ok(registration));
    }

    /// <summary>
    /// PUBLISH: the publisher pushes a track. The relay accepts with Forward State 1 even before anyone subscribes
    /// (draft-19 §"Forward Handling": it pre-warms the cache), caches and fans it out to subscribers of that track, and
    /// keeps it while the publisher pushes even if nobody subscribes, so a first subscriber's SUBSCRIBE and joining FETCH
    /// are answered from the cache with no upstream request (issue 5). A track waiting for its publisher to come back
    /// resumes into its existing subscribers. A track live from another upstream is taken over: the newest publisher
    /// wins, as it does for PUBLISH_NAMESPACE (a publisher that reconnected before the relay noticed its old session
    /// was gone, or a PUBLISH that crossed a SUBSCRIBE the relay sent the same publisher); the old upstream is cancelled.
    /// </summary>
    /// <returns>Ok; or UNINTERESTED while a subscriber's upstream SUBSCRIBE for the track is being established.</returns>
    public ValueTask<PublishResult> PublishAsync(TrackConsumer track, PublishOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(track);
        CancellationTokenSource? replaced = null;
        lock (_sync)
        {
            if (_disposed)
                return ValueTask.FromResult(PublishResult.Error(RequestErrorCode.GoingAway, "Relay shutting down."));
            if (_tracks.TryGetValue(track.Name, out var entry))
            {
                if (entry.State == RelayTrackState.Establishing || entry.Producer is null)
                    return ValueTask.FromResult(PublishResult.Error(RequestErrorCode.Uninterested, "A subscription to the track is being established."));
                if (entry.State == RelayTrackState.Live)
                {
                    // The old pump's end is ignored (Attach bumps the generation); cancelling it unsubscribes upstream.
                    replaced = entry.PumpCancellation;
                    Log.PublisherReplaced(_logger, entry.Name.ToString());
                }
                else
                {
                    Metrics.AddPublisherResume();
                    Log.PublisherResumed(_logger, entry.Name.ToString());
                }

                entry.IsPushed = true;
                Attach(entry, track, ++_registrationOrder);
            }
            else
            {
                entry = NewTrack(track.Name);
                entry.IsPushed = true;
                CreateProducer(entry, track.Info);
                _tracks.Add(track.Name, entry);
                Attach(entry, track, ++_registrationOrder);
                entry.Ready.TrySetResult(null);
            }
        }

        replaced?.Cancel();
        return ValueTask.FromResult(PublishResult.Ok(new PublishOk(Forward: true)));
    }

    internal void Withdraw(PublisherRegistration registration)
    {
        lock (_sync)
        {
            if (!_publishers.Remove(registration))
                return;
            bool stillPublished = _publishers.Exists(p => p.Namespace.Equals(registration.Namespace));
            if (!stillPublished)
            {
                foreach (var subscriber in _namespaceSubscribers)
                {
                    if (subscriber.Prefix.IsPrefixOf(registration.Namespace))
                        subscriber.Withdraw(registration.Namespace);
                }
            }
        }

        Log.NamespaceWithdrawn(_logger, registration.Namespace.ToString());
    }
}
