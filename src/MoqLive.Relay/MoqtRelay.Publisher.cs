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
                    // A chat group is a message, never stale like a media group: a subscriber behind gets them all
                    // (the chat rate limit bounds how many there are).
                    var consumer = producer.Subscribe(new TrackConsumerOptions
                    {
                        Start = options.Start,
                        MaxLagGroups = entry.Chat is null ? _options.MaxSubscriberLagGroups : int.MaxValue,
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
    /// forwarded: the upstream knows nothing of the downstream subscription). A joining FETCH whose subscription has no
    /// Joining Location yet waits (at most <see cref="MoqtRelayOptions.JoiningFetchWait"/>) for the first object that
    /// subscription gets, and ends just before it.
    /// </summary>
    public async ValueTask<FetchResult> FetchAsync(FetchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Location? joiningLocation = null;
        if (request.Type != FetchType.Standalone)
        {
            TrackProducer? joinedProducer;
            lock (_sync)
            {
                _tracks.TryGetValue(request.Track, out var joinedEntry);
                joinedProducer = joinedEntry?.Producer;

                // §"Joining Fetches": the joined subscription must be one of ours.
                if (joinedProducer is null || request.JoiningSubscription is not { } joined || !joined.IsFrom(joinedProducer))
                    return FetchResult.Error(RequestErrorCode.InvalidJoiningRequestId, "Not an established subscription at this relay.");
            }

            joiningLocation = request.JoiningSubscription.JoiningLocation
                              ?? await AwaitJoiningLocationAsync(joinedProducer, cancellationToken).ConfigureAwait(false);
            if (joiningLocation is null)
                return FetchResult.Error(RequestErrorCode.InvalidRange, "Nothing published yet.");
        }

        PublisherRegistration? publisher;
        FetchRequest upstreamRequest;
        lock (_sync)
        {
            _tracks.TryGetValue(request.Track, out var entry);
            var producer = entry?.Producer;
            Location start;
            Location end;
            if (joiningLocation is { } joining)
            {
                if (!request.TryResolveRange(joining, out start, out end))
                    return FetchResult.Error(RequestErrorCode.InvalidRange, "The range is empty.");
            }
            else
            {
                (start, end) = (request.Start, request.End);
            }

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

    /// <summary>
    /// The Joining Location of a subscription that began before anything reached the relay (the upstream's SUBSCRIBE_OK
    /// carried no LARGEST_OBJECT, or it had published nothing): that subscription gets every object from the first one
    /// the relay receives, so a joining FETCH must end just before that object to stay contiguous and non-overlapping
    /// (§"Joining Fetch Range Calculation"). Waits for it at most <see cref="MoqtRelayOptions.JoiningFetchWait"/>, as a
    /// publisher buffers a joining FETCH until the subscription is established (§"Joining Fetches"). Null if nothing came
    /// or nothing can precede the first object.
    /// </summary>
    private async Task<Location?> AwaitJoiningLocationAsync(TrackProducer producer, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.JoiningFetchWait, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var reader = producer.Subscribe(new TrackConsumerOptions { Start = TrackStart.At(Location.Zero), MaxLagGroups = int.MaxValue });
        try
        {
            while (true)
            {
                var next = await reader.NextGroupAsync(linked.Token).ConfigureAwait(false);
                if (next.IsEnd)
                    return null;
                if (await next.Group!.NextSubgroupAsync(linked.Token).ConfigureAwait(false) is not { } subgroup)
                    continue;
                var read = await subgroup.ReadObjectAsync(linked.Token).ConfigureAwait(false);
                if (read.Status != ObjectReadStatus.Object)
                    continue;
                var first = read.Object!.Location;
                read.Object.Release();
                if (first.Object > 0)
                    return new Location(first.Group, first.Object - 1);

                // The subscription starts at a group boundary: the joining location is the end of the previous group.
                return first.Group > 0 ? new Location(first.Group - 1, ulong.MaxValue) : null;
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
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
