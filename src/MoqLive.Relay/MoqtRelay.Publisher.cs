using MoqLive.Moqt.Model;
using MoqLive.Relay.Internal;

namespace MoqLive.Relay;

/// <summary>The relay as an <see cref="IPublisher"/>: what downstream sessions call.</summary>
public sealed partial class MoqtRelay
{
    /// <summary>
    /// SUBSCRIBE through the relay. The first subscriber of a track makes the relay subscribe upstream to the most
    /// specific publisher of a matching namespace; concurrent and later subscribers share that subscription. Ok carries a
    /// consumer of the relay's cache for this subscriber alone (dispose it to unsubscribe).
    /// </summary>
    /// <returns>Ok; DOES_NOT_EXIST if no publisher matches; or the upstream's error.</returns>
    public async ValueTask<SubscribeResult> SubscribeAsync(FullTrackName track, SubscribeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(track);
        options ??= SubscribeOptions.Default;

        // A track can close between our lookup and our subscribe (its last subscriber just left); then start over
        // with a fresh upstream subscription.
        for (int attempt = 0; ; attempt++)
        {
            RelayTrack? entry;
            PublisherRegistration? publisher = null;
            lock (_sync)
            {
                if (_disposed)
                    return SubscribeResult.Error(RequestErrorCode.GoingAway, "Relay shutting down.");
                if (!_tracks.TryGetValue(track, out entry))
                {
                    publisher = FindPublisher(track.Namespace);
                    if (publisher is null)
                        return SubscribeResult.Error(RequestErrorCode.DoesNotExist, $"No publisher for {track.Namespace}.");
                    entry = NewTrack(track);
                    _tracks.Add(track, entry);
                }

                entry.PendingSubscribers++;
            }

            // Coalescing: only the subscriber that created the entry subscribes upstream; everyone awaits the same outcome.
            if (publisher is not null)
                _ = EstablishAsync(entry, publisher);
            SubscribeResult? failure;
            try
            {
                failure = await entry.Ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                ReleasePendingSubscriber(entry);
                throw;
            }

            if (failure is not null)
            {
                ReleasePendingSubscriber(entry);
                return failure;
            }

            lock (_sync)
            {
                entry.PendingSubscribers--;
                if (entry.State != RelayTrackState.Closed && entry.Producer is { } producer)
                {
                    var consumer = producer.Subscribe(new TrackConsumerOptions
                    {
                        Start = options.Start,
                        MaxLagGroups = _options.MaxSubscriberLagGroups,
                    });
                    Metrics.AddDownstreamSubscribe();
                    return SubscribeResult.Ok(consumer);
                }

                if (attempt >= 2)
                    return SubscribeResult.Error(RequestErrorCode.InternalError, "The track closed while subscribing.", TimeSpan.Zero);
            }
        }
    }

    // A subscribe that will not attach after all: if it was what kept an unused track open, close the track now.
    private void ReleasePendingSubscriber(RelayTrack entry)
    {
        TrackProducer? unused = null;
        lock (_sync)
        {
            entry.PendingSubscribers--;
            if (entry.PendingSubscribers == 0 && entry.Producer is { ConsumerCount: 0 } producer)
                unused = producer;
        }

        if (unused is not null)
            OnUnused(entry, unused);
    }

    /// <summary>
    /// FETCH through the relay. A range the cache holds from its start (standalone or joining) is served from the cache;
    /// otherwise the range is fetched from the upstream publisher as a standalone FETCH (a joining FETCH cannot be
    /// forwarded: the upstream knows nothing of the downstream subscription).
    /// </summary>
    public async ValueTask<FetchResult> FetchAsync(FetchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        PublisherRegistration? publisher;
        FetchRequest upstreamRequest;
        lock (_sync)
        {
            _tracks.TryGetValue(request.Track, out var entry);
            var producer = entry?.Producer;
            if (request.Type != FetchType.Standalone)
            {
                // §"Joining Fetches": the joined subscription must be one of ours.
                if (producer is null || request.JoiningSubscription is not { } joined || !joined.IsFrom(producer))
                    return FetchResult.Error(RequestErrorCode.InvalidJoiningRequestId, "Not an established subscription at this relay.");
            }

            if (!request.TryResolveRange(out var start, out var end))
                return FetchResult.Error(RequestErrorCode.InvalidRange, "Nothing published yet.");
            if (producer is not null && producer.CachedFrom is { } cachedFrom && cachedFrom <= start)
                return producer.Fetch(start, end, request.GroupOrder);
            publisher = FindPublisher(request.Track.Namespace);
            if (publisher is null)
            {
                return producer?.Fetch(start, end, request.GroupOrder)
                       ?? FetchResult.Error(RequestErrorCode.DoesNotExist, $"No publisher for {request.Track.Namespace}.");
            }

            upstreamRequest = request.Type == FetchType.Standalone
                ? request
                : FetchRequest.Standalone(request.Track, start, end, request.GroupOrder, request.SubscriberPriority);
        }

        return await publisher.Publisher.FetchAsync(upstreamRequest, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>TRACK_STATUS from the relay's state for relayed tracks, else from the upstream publisher.</summary>
    public async ValueTask<TrackStatusResult> TrackStatusAsync(FullTrackName track, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(track);
        PublisherRegistration? publisher;
        lock (_sync)
        {
            if (_tracks.TryGetValue(track, out var entry) && entry.Producer is { } producer)
                return TrackStatusResult.Ok(new TrackStatusOk(producer.Info, producer.LargestLocation, producer.End));
            publisher = FindPublisher(track.Namespace);
        }

        if (publisher is null)
            return TrackStatusResult.Error(RequestErrorCode.DoesNotExist, $"No publisher for {track.Namespace}.");
        return await publisher.Publisher.TrackStatusAsync(track, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// SUBSCRIBE_NAMESPACE: the subscriber learns every published namespace under <paramref name="prefix"/>, now and as
    /// publishers come and go. (PREFIX_OVERLAP is per session and checked by the session.)
    /// </summary>
    public ValueTask<SubscribeNamespaceResult> SubscribeNamespaceAsync(TrackNamespace prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var producer = new NamespaceProducer(prefix);
        producer.Cancelled += p =>
        {
            lock (_sync)
                _namespaceSubscribers.Remove(p);
        };
        lock (_sync)
        {
            if (_disposed)
                return ValueTask.FromResult(SubscribeNamespaceResult.Error(RequestErrorCode.GoingAway, "Relay shutting down."));
            foreach (var registration in _publishers)
            {
                if (prefix.IsPrefixOf(registration.Namespace))
                    producer.Announce(registration.Namespace);
            }

            _namespaceSubscribers.Add(producer);
        }

        return ValueTask.FromResult(SubscribeNamespaceResult.Ok(producer.Consumer));
    }
}
