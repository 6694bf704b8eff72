using MoqLive.Moqt.Model.Internal;

namespace MoqLive.Moqt.Model;

/// <summary>
/// The writing half of a track (after kixelated/moq's model): creates groups, keeps a window of the newest groups
/// (the cache), and hands out any number of <see cref="TrackConsumer"/>s that read it independently. Fan-out is
/// <see cref="Subscribe"/> / <see cref="TrackConsumer.Clone"/>: every consumer sees the same shared
/// <see cref="MoqtObject"/>s, and none can slow the producer down: a consumer that lags skips whole groups.
/// </summary>
/// <remarks>
/// <para>How a session uses it:</para>
/// <list type="bullet">
/// <item>Receiving side of a SUBSCRIBE/PUBLISH: create one producer per subscription, return
/// <c>producer.Subscribe()</c> to the application in <see cref="SubscribeResult"/>; for every SUBGROUP_HEADER call
/// <see cref="GetOrCreateGroup"/> and <see cref="GroupProducer.GetOrCreateSubgroup"/>, write each object, complete the
/// subgroup on FIN or abort it on reset; on PUBLISH_DONE call <see cref="Complete"/>; if the session dies call
/// <see cref="Abort"/>. When <see cref="Unused"/> fires, every consumer is gone: cancel the subscription upstream.</item>
/// <item>Sending side: read a <see cref="TrackConsumer"/> obtained from an <see cref="IPublisher"/> (see
/// <see cref="TrackConsumer"/>).</item>
/// </list>
/// <para>All members are thread-safe. Groups normally arrive in increasing ID order; consumers receive them in arrival
/// order.</para>
/// </remarks>
public sealed class TrackProducer : IDisposable
{
    private readonly TrackState _state;
    private int _everConsumed;

    /// <summary>Creates a track producer.</summary>
    public TrackProducer(TrackInfo info, TrackProducerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        options ??= TrackProducerOptions.Default;
        options.Validate();
        _state = new TrackState(info, options);
    }

    /// <summary>Raised (outside any lock) when the last consumer is disposed. Fires again if consumers come and go again.</summary>
    public event Action<TrackProducer>? Unused;

    /// <summary>Name, default priority, group order and properties.</summary>
    public TrackInfo Info => _state.Info;

    /// <summary>Full track name.</summary>
    public FullTrackName Name => _state.Info.Name;

    /// <summary>Window bounds.</summary>
    public TrackProducerOptions Options => _state.Options;

    /// <summary>The largest location written so far (LARGEST_OBJECT), or null if nothing was written.</summary>
    public Location? LargestLocation
    {
        get
        {
            lock (_state.Sync)
                return _state.Largest;
        }
    }

    /// <summary>
    /// The smallest location of any object in the cache window, or null if it is empty: a FETCH starting at or after it
    /// can be served from the cache (objects missing after it are gaps or not yet received).
    /// </summary>
    public Location? CachedFrom
    {
        get
        {
            lock (_state.Sync)
            {
                _state.Trim();
                Location? min = null;
                foreach (var group in _state.Groups)
                {
                    foreach (var subgroup in group.Subgroups)
                    {
                        if (subgroup.Objects.Count > 0 && (min is null || subgroup.Objects[0].Location < min))
                            min = subgroup.Objects[0].Location;
                    }
                }

                return min;
            }
        }
    }

    /// <summary>The smallest group ID in the cache window, or null if it is empty (a FETCH starting earlier cannot be served from it).</summary>
    public ulong? OldestCachedGroupId
    {
        get
        {
            lock (_state.Sync)
            {
                _state.Trim();
                return _state.Groups.Count == 0 ? null : _state.Groups.Min(static g => g.GroupId);
            }
        }
    }

    /// <summary>Payload and property bytes in the cache window.</summary>
    public long CachedBytes
    {
        get
        {
            lock (_state.Sync)
                return _state.Bytes;
        }
    }

    /// <summary>Groups in the cache window.</summary>
    public int CachedGroups
    {
        get
        {
            lock (_state.Sync)
                return _state.Groups.Count;
        }
    }

    /// <summary>Groups that have left the cache window so far.</summary>
    public long EvictedGroups
    {
        get
        {
            lock (_state.Sync)
                return _state.EvictedGroups;
        }
    }

    /// <summary>A consistent snapshot of this track's counters.</summary>
    public TrackStatistics GetStatistics()
    {
        lock (_state.Sync)
        {
            return new TrackStatistics(
                _state.Bytes,
                _state.Groups.Count,
                _state.EvictedGroups,
                _state.ObjectsWritten,
                _state.ObjectsRead,
                _state.BytesRead,
                _state.GroupsSkipped,
                _state.SubgroupsAbandoned,
                _state.Consumers);
        }
    }

    /// <summary>Live (undisposed) track consumers.</summary>
    public int ConsumerCount
    {
        get
        {
            lock (_state.Sync)
                return _state.Consumers;
        }
    }

    /// <summary>How the track ended, or null while it is live.</summary>
    public TrackEnd? End
    {
        get
        {
            lock (_state.Sync)
                return _state.End;
        }
    }

    internal TrackState State => _state;

    /// <summary>Starts a new group.</summary>
    /// <exception cref="InvalidOperationException">The group exists already or the track ended.</exception>
    public GroupProducer CreateGroup(ulong groupId)
    {
        lock (_state.Sync)
        {
            ThrowIfEnded();
            if (_state.ById.ContainsKey(groupId))
                throw new InvalidOperationException($"Group {groupId} already exists.");
            return new GroupProducer(AddGroup(groupId));
        }
    }

    /// <summary>
    /// The group with <paramref name="groupId"/> in the window, or a new one. A receiving session calls this for each
    /// subgroup stream, since several streams carry the same group.
    /// </summary>
    /// <exception cref="InvalidOperationException">The track ended.</exception>
    public GroupProducer GetOrCreateGroup(ulong groupId)
    {
        lock (_state.Sync)
        {
            ThrowIfEnded();
            return new GroupProducer(_state.ById.TryGetValue(groupId, out var existing) ? existing : AddGroup(groupId));
        }
    }

    /// <summary>
    /// Raises <see cref="LargestLocation"/> to <paramref name="location"/> if it is larger, without an object: a relay
    /// learns the upstream's LARGEST_OBJECT from SUBSCRIBE_OK before any object arrives (§"LARGEST OBJECT Parameter":
    /// a relay reports the larger of that value and what it received).
    /// </summary>
    public void AdvanceLargestLocation(Location location)
    {
        lock (_state.Sync)
        {
            if (_state.Largest is not { } largest || location > largest)
                _state.Largest = location;
        }
    }

    /// <summary>Creates an independent reader. Dispose it to unsubscribe.</summary>
    public TrackConsumer Subscribe(TrackConsumerOptions? options = null)
    {
        options ??= TrackConsumerOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxLagGroups, 1, nameof(options));
        lock (_state.Sync)
        {
            _state.Trim();
            var start = options.Start;
            var largest = _state.Largest;
            long cursor;
            Location min;
            switch (start.Kind)
            {
                case TrackStartKind.LargestObject:
                    min = largest is { } l ? new Location(l.Group, l.Object + 1) : Location.Zero;
                    cursor = largest is null ? _state.Newest?.Sequence ?? _state.NextSequence : _state.FirstSequenceFrom(min.Group);
                    break;
                case TrackStartKind.NextGroup:
                    min = largest is { } l2 ? new Location(l2.Group + 1, 0) : Location.Zero;
                    cursor = largest is null ? _state.NextSequence : _state.FirstSequenceFrom(min.Group);
                    break;
                case TrackStartKind.LatestGroup:
                    min = _state.Groups.Count == 0 ? Location.Zero : new Location(_state.Groups.Max(static g => g.GroupId), 0);
                    cursor = _state.Groups.Count == 0 ? _state.NextSequence : _state.FirstSequenceFrom(min.Group);
                    break;
                case TrackStartKind.Absolute:
                    cursor = _state.FirstSequence;
                    min = start.Location;
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(options), start.Kind, "Unknown start kind.");
            }

            _state.Consumers++;
            _everConsumed = 1;
            return new TrackConsumer(this, cursor, min, start.EndGroup, options.MaxLagGroups, largest);
        }
    }

    /// <summary>
    /// Serves a FETCH from the cache window (standalone or a resolved joining fetch): a snapshot of the cached objects
    /// from <paramref name="start"/> to <paramref name="end"/> inclusive (an end object of <see cref="ulong.MaxValue"/>
    /// means the whole end group), groups in <paramref name="order"/>, objects by ID within a group. Objects beyond the
    /// largest location are not included; the returned End Location says where the response stops.
    /// </summary>
    /// <returns>
    /// Ok with a <see cref="FetchConsumer"/>; or Error INVALID_RANGE if nothing was published yet or
    /// <paramref name="start"/> is beyond the largest location (§"Fetch Handling").
    /// </returns>
    public FetchResult Fetch(Location start, Location end, GroupOrder order = GroupOrder.Ascending)
    {
        lock (_state.Sync)
        {
            _state.Trim();
            if (_state.Largest is not { } largest || start > largest)
                return FetchResult.Error(RequestErrorCode.InvalidRange, "Start is beyond the largest object.");
            if (end < start)
                return FetchResult.Error(RequestErrorCode.InvalidRange, "End is before start.");
            var effectiveEnd = end > largest ? largest : end;
            var groups = _state.Groups
                .Where(g => g.GroupId >= start.Group && g.GroupId <= effectiveEnd.Group)
                .OrderBy(g => g.GroupId)
                .ToList();
            if (order == GroupOrder.Descending)
                groups.Reverse();
            var objects = new List<MoqtObject>();
            foreach (var group in groups)
            {
                var inGroup = group.Subgroups
                    .SelectMany(s => s.Objects)
                    .Where(o => o.Location >= start && o.Location <= effectiveEnd)
                    .OrderBy(o => o.ObjectId);
                foreach (var obj in inGroup)
                {
                    obj.Payload.Retain();
                    objects.Add(obj);
                }
            }

            bool endOfTrack = _state.End is { Aborted: false } && end >= largest;
            var consumer = FetchConsumer.FromSnapshot(objects);

            // FETCH_OK carries the end as "last object + 1".
            return FetchResult.Ok(new FetchOk(consumer, _state.Info, endOfTrack, effectiveEnd));
        }
    }

    /// <summary>Ends the track in order (PUBLISH_DONE). Open subgroups complete; consumers drain what is cached, then see the end.</summary>
    public void Complete(PublishDoneStatusCode statusCode = PublishDoneStatusCode.TrackEnded, string reason = "")
        => Finish(new TrackEnd(statusCode, reason, Aborted: false), StreamResetCode.InternalError);

    /// <summary>
    /// Ends the track because its source went away (session lost, upstream reset): open subgroups are aborted with
    /// <paramref name="resetCode"/>, consumers see an <see cref="TrackEnd.Aborted"/> end.
    /// </summary>
    public void Abort(PublishDoneStatusCode statusCode = PublishDoneStatusCode.InternalError, string reason = "", StreamResetCode resetCode = StreamResetCode.SessionClosed)
        => Finish(new TrackEnd(statusCode, reason, Aborted: true), resetCode);

    /// <summary>Evicts groups older than <see cref="TrackProducerOptions.MaxAge"/> now (a relay calls this from a timer).</summary>
    public void TrimExpired()
    {
        lock (_state.Sync)
            _state.Trim();
    }

    /// <summary>Aborts the track if it is still live and releases every cached payload.</summary>
    public void Dispose()
    {
        lock (_state.Sync)
        {
            if (_state.End is null)
                EndUnderLock(new TrackEnd(PublishDoneStatusCode.GoingAway, "Track producer disposed.", Aborted: true), StreamResetCode.Cancelled);
            _state.EvictAll();
            _state.Signal.Notify();
        }
    }

    internal void ConsumerDisposed()
    {
        bool unused;
        lock (_state.Sync)
        {
            _state.Consumers--;
            unused = _state.Consumers == 0 && _everConsumed == 1;
        }

        if (unused)
            Unused?.Invoke(this);
    }

    private void Finish(TrackEnd end, StreamResetCode resetCode)
    {
        lock (_state.Sync)
        {
            if (_state.End is not null)
                return;
            EndUnderLock(end, resetCode);
        }
    }

    private void EndUnderLock(TrackEnd end, StreamResetCode resetCode)
    {
        _state.End = end;
        foreach (var group in _state.Groups)
        {
            foreach (var subgroup in group.Subgroups)
            {
                if (!subgroup.IsOpen)
                    continue;
                if (end.Aborted)
                    subgroup.AbortCode = resetCode;
                else
                    subgroup.Complete = true;
                subgroup.Signal.Notify();
            }

            group.Complete = true;
            group.Signal.Notify();
        }

        _state.Signal.Notify();
        _state.Trim();
    }

    private GroupState AddGroup(ulong groupId)
    {
        var group = new GroupState(_state, groupId, _state.NextSequence, _state.Options.TimeProvider.GetTimestamp());
        _state.NextSequence++;
        _state.Groups.Add(group);
        _state.ById[groupId] = group;

        // A new group can push an old one out (count bound) and makes lagging readers stale: wake them.
        _state.Trim();
        foreach (var g in _state.Groups)
        {
            g.Signal.Notify();
            foreach (var s in g.Subgroups)
                s.Signal.Notify();
        }

        _state.Signal.Notify();
        return group;
    }

    private void ThrowIfEnded()
    {
        if (_state.End is not null)
            throw new InvalidOperationException($"Track {_state.Info.Name} has ended.");
    }
}
