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
    /// PUBLISH: the publisher pushes a track. The relay caches and fans it out to subscribers of that track, and keeps it
    /// while the publisher pushes even if nobody subscribes. A track waiting for its publisher to come back resumes.
    /// </summary>
    /// <returns>Ok; or UNINTERESTED if the track already has a live publisher.</returns>
    public ValueTask<PublishResult> PublishAsync(TrackConsumer track, PublishOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(track);
        lock (_sync)
        {
            if (_disposed)
                return ValueTask.FromResult(PublishResult.Error(RequestErrorCode.GoingAway, "Relay shutting down."));
            if (_tracks.TryGetValue(track.Name, out var entry))
            {
                if (entry.State != RelayTrackState.AwaitingPublisher || entry.Producer is null)
                    return ValueTask.FromResult(PublishResult.Error(RequestErrorCode.Uninterested, "The track already has a live publisher."));
                entry.IsPushed = true;
                Attach(entry, track, ++_registrationOrder);
                Metrics.AddPublisherResume();
                Log.PublisherResumed(_logger, entry.Name.ToString());
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

        return ValueTask.FromResult(PublishResult.Ok(new PublishOk()));
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
