using MoqLive.Moqt.Model;
using MoqLive.Relay.Internal;

namespace MoqLive.Relay;

/// <summary>Upstream side: one subscription per track, pumped into the track's cache.</summary>
public sealed partial class MoqtRelay
{
    private const ulong MaxCacheDurationProperty = 0x04;

    /// <summary>First and longest waits between a resumed publisher's refused re-subscribes (see ResumeAsync).</summary>
    private static readonly TimeSpan s_firstResumeRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_maxResumeRetry = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The first downstream subscriber of a track: SUBSCRIBE upstream and, in the same round trip, a joining FETCH of
    /// the current group (draft-19 §"Joining Fetches"), whose objects go into the cache before anyone is answered. The
    /// first viewer's own joining FETCH is then served from the cache (its key frame, or the catalog's latest object)
    /// instead of costing a second round trip to the publisher after SUBSCRIBE_OK, and later viewers find the same group.
    /// Not for chat tracks: their current group is one message published before the relay subscribed, and counting it
    /// against the participant's live rate when it is fetched would refuse a later message the page allowed
    /// (docs/media-format.md "Chat").
    /// </summary>
    private async Task EstablishAsync(RelayTrack entry, PublisherRegistration publisher)
    {
        var (upstream, fetch) = await SubscribeUpstreamAsync(entry, publisher, withJoiningFetch: entry.Chat is null).ConfigureAwait(false);
        if (!upstream.IsOk)
        {
            fetch?.Value?.Objects.Dispose();
            Log.UpstreamSubscribeFailed(_logger, entry.Name.ToString(), upstream.ErrorCode.ToString(), upstream.Reason);
            lock (_sync)
            {
                entry.State = RelayTrackState.Closed;
                if (_tracks.TryGetValue(entry.Name, out var current) && ReferenceEquals(current, entry))
                    _tracks.Remove(entry.Name);
            }

            entry.Ready.TrySetResult(SubscribeResult.Error(upstream.ErrorCode, upstream.Reason, upstream.RetryInterval));
            return;
        }

        var consumer = upstream.Value!.Track;
        TrackProducer producer;
        lock (_sync)
        {
            if (entry.State != RelayTrackState.Establishing)
            {
                // The relay shut down meanwhile; CloseTrack already answered the waiting subscribers.
                consumer.Dispose();
                fetch?.Value?.Objects.Dispose();
                return;
            }

            CreateProducer(entry, consumer.Info);
            producer = entry.Producer!;
            if (upstream.Value.LargestLocation is { } largest)
                producer.AdvanceLargestLocation(largest);
        }

        // The subscription's objects wait in the session until the pump starts, so the cache gets the fetched
        // objects first, in order.
        if (fetch is { IsOk: true, Value: { } fetched })
            await CacheJoiningFetchAsync(entry, producer, fetched.Objects).ConfigureAwait(false);

        lock (_sync)
        {
            if (entry.State != RelayTrackState.Establishing)
            {
                consumer.Dispose();
                return;
            }

            Attach(entry, consumer, publisher.Order);
        }

        entry.Ready.TrySetResult(null);
    }

    /// <summary>
    /// Writes the upstream joining FETCH's objects into the cache once the response is complete, waiting at most
    /// <see cref="MoqtRelayOptions.JoiningFetchWait"/> for it: a publisher slow to answer must not hold the subscribers
    /// up, and a cut-short response is dropped whole, so the cache never holds a group with a hole before the live edge
    /// (the subscribers' own joining FETCH then goes upstream as before).
    /// </summary>
    private async Task CacheJoiningFetchAsync(RelayTrack entry, TrackProducer producer, FetchConsumer response)
    {
        var objects = new List<MoqtObject>();
        using var timeout = new CancellationTokenSource(_options.JoiningFetchWait, _options.TimeProvider);
        using (response)
        {
            try
            {
                while (true)
                {
                    var read = await response.ReadObjectAsync(timeout.Token).ConfigureAwait(false);
                    if (read.Status == ObjectReadStatus.End)
                        break;
                    if (read.Status != ObjectReadStatus.Object)
                    {
                        ReleaseAll(objects);
                        return;
                    }

                    objects.Add(read.Object!);
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                Log.UpstreamJoiningFetchTimedOut(_logger, entry.Name.ToString(), _options.JoiningFetchWait);
                ReleaseAll(objects);
                return;
            }
        }

        for (int i = 0; i < objects.Count; i++)
        {
            var obj = objects[i];
            Metrics.AddObjectIn(obj.Payload.Length);
            if (entry.Chat?.Check(obj) is { } verdict && verdict != ChatVerdict.Forward)
            {
                // docs/media-format.md "Chat": as for the subscription's objects.
                Metrics.AddChatDropped(verdict == ChatVerdict.Oversized);
                obj.Release();
                continue;
            }

            try
            {
                var group = producer.GetOrCreateGroup(obj.GroupId);
                var subgroup = obj.ForwardingPreference == ForwardingPreference.Datagram ? null : group.GetOrCreateSubgroup(obj.SubgroupId, obj.PublisherPriority);
                if (Forward(obj, group, subgroup))
                    continue;
            }
            catch (InvalidOperationException)
            {
                // The track ended under us (relay shutting down).
                obj.Release();
            }

            ReleaseAll(objects.Skip(i + 1));
            return;
        }
    }

    private static void ReleaseAll(IEnumerable<MoqtObject> objects)
    {
        foreach (var obj in objects)
            obj.Release();
    }

    /// <summary>
    /// Re-subscribes a track whose publisher vanished to <paramref name="publisher"/>, which registered a matching
    /// namespace. A publisher back from a reconnect may register its namespace before it has opened its tracks (a
    /// reloaded streamer page answers DOES_NOT_EXIST until its encoders run), so a refusal is retried, backing off from
    /// 100 ms to 1 s (or after the REQUEST_ERROR's Retry Interval, §"REQUEST_ERROR", if longer), with the newest
    /// matching publisher, until the grace timer closes the track.
    /// </summary>
    private async Task ResumeAsync(RelayTrack entry, PublisherRegistration publisher)
    {
        var retry = s_firstResumeRetry;
        while (true)
        {
            var upstream = await SubscribeUpstreamAsync(entry, publisher).ConfigureAwait(false);
            lock (_sync)
            {
                if (entry.State != RelayTrackState.AwaitingPublisher)
                {
                    entry.ResumeInFlight = false;
                    upstream.Value?.Track.Dispose();
                    return;
                }

                if (upstream.IsOk)
                {
                    entry.ResumeInFlight = false;
                    if (upstream.Value!.LargestLocation is { } largest)
                        entry.Producer!.AdvanceLargestLocation(largest);
                    // Now pulled, not pushed: closed as unused when its last subscriber leaves.
                    entry.IsPushed = false;
                    Attach(entry, upstream.Value.Track, publisher.Order);
                    Metrics.AddPublisherResume();
                    break;
                }

                Log.UpstreamSubscribeFailed(_logger, entry.Name.ToString(), upstream.ErrorCode.ToString(), upstream.Reason);
            }

            // A longer Retry Interval than the grace period would outlive the track anyway.
            var wait = upstream.RetryInterval is { } asked && asked > retry ? TimeSpan.FromTicks(Math.Min(asked.Ticks, _options.PublisherReconnectGrace.Ticks)) : retry;
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, s_maxResumeRetry.Ticks));
            await Task.Delay(wait, _options.TimeProvider).ConfigureAwait(false);
            lock (_sync)
            {
                var newest = entry.State == RelayTrackState.AwaitingPublisher ? FindPublisher(entry.Name.Namespace, newerThan: entry.UpstreamOrder) : null;
                if (newest is null)
                {
                    // Closed meanwhile, or the publisher left again: the next registration starts a new resume.
                    entry.ResumeInFlight = false;
                    return;
                }

                publisher = newest;
            }
        }

        Log.PublisherResumed(_logger, entry.Name.ToString());
    }

    private async Task<SubscribeResult> SubscribeUpstreamAsync(RelayTrack entry, PublisherRegistration publisher)
        => (await SubscribeUpstreamAsync(entry, publisher, withJoiningFetch: false).ConfigureAwait(false)).Subscription;

    /// <summary>SUBSCRIBE upstream, with a joining FETCH of the current group if asked (Fetch is null otherwise).</summary>
    private async Task<(SubscribeResult Subscription, FetchResult? Fetch)> SubscribeUpstreamAsync(RelayTrack entry, PublisherRegistration publisher, bool withJoiningFetch)
    {
        Metrics.AddUpstreamSubscribe();
        try
        {
            if (!withJoiningFetch)
                return (await publisher.Publisher.SubscribeAsync(entry.Name, UpstreamSubscribeOptions, CancellationToken.None).ConfigureAwait(false), null);
            return await publisher.Publisher.SubscribeWithJoiningFetchAsync(entry.Name, groupsBack: 0, UpstreamSubscribeOptions, CancellationToken.None)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A publisher that throws instead of returning an error (e.g. its session died mid-request).
            return (SubscribeResult.Error(RequestErrorCode.InternalError, ex.Message), null);
        }
    }

    /// <summary>A new track entry; chat tracks get the chat policy (docs/media-format.md "Chat").</summary>
    private RelayTrack NewTrack(FullTrackName name) =>
        new(name) { Chat = ChatGate.IsChatNamespace(name.Namespace) ? new ChatGate(_options.Chat, _options.TimeProvider) : null };

    /// <summary>Creates the track's cache/fan-out producer. Under the lock.</summary>
    private void CreateProducer(RelayTrack entry, TrackInfo info)
    {
        var cache = _cacheOptions;

        // MAX_CACHE_DURATION (track property 0x04, ms; §"MAX CACHE DURATION"): objects must not be served from the
        // cache after it. Whole groups are evicted by their creation time, which is never later than their objects'.
        if (info.Properties.TryGet(MaxCacheDurationProperty, out var maxCache) && !maxCache.IsBytes)
        {
            var limit = TimeSpan.FromMilliseconds(Math.Min(maxCache.IntValue, (ulong)int.MaxValue));
            if (limit > TimeSpan.Zero && (cache.MaxAge is not { } age || limit < age))
                cache = cache with { MaxAge = limit };
        }

        var producer = new TrackProducer(info, cache);
        producer.Unused += p => OnUnused(entry, p);
        entry.Producer = producer;
    }

    /// <summary>Starts pumping <paramref name="upstream"/> into the track's producer. Under the lock.</summary>
    private void Attach(RelayTrack entry, TrackConsumer upstream, long upstreamOrder)
    {
        entry.GraceTimer?.Dispose();
        entry.GraceTimer = null;
        entry.State = RelayTrackState.Live;
        entry.UpstreamOrder = upstreamOrder;
        int generation = ++entry.Generation;
        var cts = new CancellationTokenSource();
        entry.PumpCancellation = cts;
        var producer = entry.Producer!;
        _ = Task.Run(() => PumpAsync(entry, producer, upstream, generation, cts.Token));
    }

    private async Task PumpAsync(RelayTrack entry, TrackProducer producer, TrackConsumer upstream, int generation, CancellationToken cancellationToken)
    {
        TrackEnd? end = null;
        var groups = new List<Task>();
        try
        {
            while (true)
            {
                var next = await upstream.NextGroupAsync(cancellationToken).ConfigureAwait(false);
                if (next.IsEnd)
                {
                    end = next.End;
                    break;
                }

                GroupProducer group;
                try
                {
                    group = producer.GetOrCreateGroup(next.Group!.GroupId);
                }
                catch (InvalidOperationException)
                {
                    // Our producer ended (relay shutting down, last subscriber gone).
                    break;
                }

                groups.RemoveAll(static t => t.IsCompleted);
                groups.Add(PumpGroupAsync(next.Group, group, entry.Chat, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.PumpFailed(_logger, ex, entry.Name.ToString());
            end = new TrackEnd(PublishDoneStatusCode.InternalError, ex.Message, Aborted: true);
        }

        await Task.WhenAll(groups).ConfigureAwait(false);

        // Disposing the upstream consumer is the upstream unsubscribe.
        upstream.Dispose();
        if (!cancellationToken.IsCancellationRequested)
            OnUpstreamEnded(entry, generation, end ?? new TrackEnd(PublishDoneStatusCode.InternalError, "Upstream stopped.", Aborted: true));
    }

    private async Task PumpGroupAsync(GroupConsumer upstream, GroupProducer group, ChatGate? chat, CancellationToken cancellationToken)
    {
        var subgroups = new List<Task>();
        try
        {
            while (await upstream.NextSubgroupAsync(cancellationToken).ConfigureAwait(false) is { } subgroup)
                subgroups.Add(PumpSubgroupAsync(subgroup, group, chat, cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        await Task.WhenAll(subgroups).ConfigureAwait(false);
        if (!upstream.IsAbandoned && !cancellationToken.IsCancellationRequested)
            group.Complete();
    }

    private async Task PumpSubgroupAsync(SubgroupConsumer upstream, GroupProducer group, ChatGate? chat, CancellationToken cancellationToken)
    {
        SubgroupProducer? subgroup = null;
        try
        {
            if (!upstream.IsDatagram)
                subgroup = group.GetOrCreateSubgroup(upstream.SubgroupId, upstream.PublisherPriority);
            while (true)
            {
                var read = await upstream.ReadObjectAsync(cancellationToken).ConfigureAwait(false);
                switch (read.Status)
                {
                    case ObjectReadStatus.Object:
                        var obj = read.Object!;
                        Metrics.AddObjectIn(obj.Payload.Length);
                        if (chat?.Check(obj) is { } verdict && verdict != ChatVerdict.Forward)
                        {
                            // docs/media-format.md "Chat": oversized and over-rate objects are not forwarded.
                            Metrics.AddChatDropped(verdict == ChatVerdict.Oversized);
                            obj.Release();
                            break;
                        }

                        if (!Forward(obj, group, subgroup))
                            return;
                        break;
                    case ObjectReadStatus.End:
                        subgroup?.Complete();
                        return;
                    case ObjectReadStatus.Aborted:
                        subgroup?.Abort(read.ResetCode);
                        return;
                    default:
                        subgroup?.Abort(StreamResetCode.TooFarBehind);
                        return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            subgroup?.Abort(StreamResetCode.Cancelled);
        }
        catch (InvalidOperationException)
        {
            // The group or track closed under us (relay shutting down, last subscriber gone).
        }
    }

    /// <summary>Hands the object (and its payload reference) to the cache. False if the subgroup cannot take more.</summary>
    private static bool Forward(MoqtObject obj, GroupProducer group, SubgroupProducer? subgroup)
    {
        try
        {
            if (subgroup is null)
                group.WriteDatagram(obj);
            else
                subgroup.Write(obj);
            return true;
        }
        catch (ArgumentException)
        {
            // A duplicate or out-of-order object (e.g. a resumed publisher repeating IDs): §"Caching Relays" lets a
            // relay ignore it.
            obj.Release();
            return true;
        }
        catch (InvalidOperationException)
        {
            obj.Release();
            return false;
        }
    }

    private void OnUpstreamEnded(RelayTrack entry, int generation, TrackEnd end)
    {
        PublisherRegistration? replacement = null;
        lock (_sync)
        {
            if (entry.Generation != generation || entry.State is RelayTrackState.Closed or RelayTrackState.AwaitingPublisher)
                return;
            if (!end.Aborted)
            {
                // PUBLISH_DONE from upstream: pass it on.
                CloseTrack(entry, end);
                return;
            }

            // The publisher vanished: keep subscribers, wait for it (or another) to come back.
            entry.State = RelayTrackState.AwaitingPublisher;
            Log.PublisherLost(_logger, entry.Name.ToString(), end.Reason, _options.PublisherReconnectGrace);
            entry.GraceTimer = _options.TimeProvider.CreateTimer(
                static state =>
                {
                    var (relay, track, gen) = ((MoqtRelay, RelayTrack, int))state!;
                    relay.OnGraceExpired(track, gen);
                },
                (this, entry, generation),
                _options.PublisherReconnectGrace,
                Timeout.InfiniteTimeSpan);

            // A publisher may have re-registered before we noticed the old one was gone.
            replacement = entry.IsPushed ? null : FindPublisher(entry.Name.Namespace, newerThan: entry.UpstreamOrder);
            if (replacement is not null)
                entry.ResumeInFlight = true;
        }

        if (replacement is not null)
            _ = ResumeAsync(entry, replacement);
    }

    private void OnGraceExpired(RelayTrack entry, int generation)
    {
        lock (_sync)
        {
            if (entry.State != RelayTrackState.AwaitingPublisher || entry.Generation != generation)
                return;
            CloseTrack(entry, new TrackEnd(PublishDoneStatusCode.TrackEnded, "The publisher did not come back."));
        }
    }
}
