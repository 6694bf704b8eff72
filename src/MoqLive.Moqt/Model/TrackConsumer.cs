using MoqLive.Moqt.Model.Internal;

namespace MoqLive.Moqt.Model;

/// <summary>
/// One reader of a track with its own cursor (after kixelated/moq's model). <see cref="Clone"/> gives another reader
/// at the same position: that is fan-out. Readers never block the producer: one whose next group is
/// <see cref="TrackConsumerOptions.MaxLagGroups"/> groups behind the newest (it would go stale with the next group)
/// skips whole groups to the newest one and is told how many it lost.
/// </summary>
/// <remarks>
/// <para>How a session sends a subscription it accepted (the consumer came from <see cref="IPublisher.SubscribeAsync"/>):</para>
/// <code>
/// while (true) {
///     var next = await track.NextGroupAsync(ct);
///     if (next.IsEnd) { send PUBLISH_DONE(next.End.StatusCode, next.End.Reason); break; }
///     // for each group, concurrently:
///     while (await group.NextSubgroupAsync(ct) is { } subgroup) {
///         // concurrently: loop subgroup.ReadObjectAsync. On the first object open the uni stream (so a subgroup
///         // whose objects were all filtered out opens none) with
///         // PriorityMapping.ForSubgroup(subscriberPriority, subgroup.PublisherPriority, groupOrder, groupId, subgroupId)
///         // and FIRST_OBJECT = subgroup.StartsAtSubgroupStart; datagram subgroups (IsDatagram) go out as datagrams.
///         // Object → write, then release the payload; End → FIN; Abandoned/Aborted → reset with result.ResetCode.
///     }
///     // next.LostGroups > 0: whole groups were skipped for this subscriber (nothing to send for them).
/// }
/// </code>
/// <para>FORWARD=0: simply do not read the consumer until forwarding is turned on; it then resumes within its lag
/// bound. Dispose the consumer to unsubscribe; the producer's <see cref="TrackProducer.Unused"/> fires when the last one goes.
/// <see cref="NextGroupAsync"/> is not meant to be called concurrently on one consumer (a second wait throws
/// <see cref="InvalidOperationException"/>); clone it instead.</para>
/// </remarks>
public sealed class TrackConsumer : IDisposable
{
    private readonly TrackProducer _producer;
    private readonly TrackState _state;
    private readonly Location _min;
    private readonly ulong? _endGroup;
    private readonly SignalWaiter _waiter = new();
    private long _cursor;
    private long _lost;
    private int _disposed;

    internal TrackConsumer(TrackProducer producer, long cursor, Location min, ulong? endGroup, int maxLagGroups, Location? joiningLocation)
    {
        _producer = producer;
        _state = producer.State;
        _cursor = cursor;
        _min = min;
        _endGroup = endGroup;
        MaxLagGroups = maxLagGroups;
        JoiningLocation = joiningLocation;
    }

    /// <summary>Name, default priority, group order and properties of the track.</summary>
    public TrackInfo Info => _state.Info;

    /// <summary>Full track name.</summary>
    public FullTrackName Name => _state.Info.Name;

    /// <summary>Lag bound in groups.</summary>
    public int MaxLagGroups { get; }

    /// <summary>
    /// The largest location when this consumer was created: the Joining Location a joining FETCH ends at
    /// (§"Joining Fetches"), and the LARGEST_OBJECT of SUBSCRIBE_OK. Null if nothing was published yet.
    /// </summary>
    public Location? JoiningLocation { get; }

    /// <summary>The track's current largest location.</summary>
    public Location? LargestLocation => _producer.LargestLocation;

    /// <summary>Whole groups skipped so far (lag or eviction), not counting abandoned partially read groups.</summary>
    public long LostGroups => Interlocked.Read(ref _lost);

    /// <summary>Groups published but not yet taken by this consumer (its queue length in groups).</summary>
    public long PendingGroups
    {
        get
        {
            lock (_state.Sync)
                return Math.Max(0, _state.NextSequence - Math.Max(_cursor, _state.FirstSequence));
        }
    }

    /// <summary>True if this consumer reads from <paramref name="producer"/> (lets a session map consumers to its subscriptions).</summary>
    public bool IsFrom(TrackProducer producer) => ReferenceEquals(_producer, producer);

    /// <summary>
    /// The next group in arrival order, skipping groups before the start position. Waits until one exists or the track
    /// ends. If this consumer lags, whole groups are skipped and counted in <see cref="TrackReadResult.LostGroups"/>.
    /// </summary>
    public async ValueTask<TrackReadResult> NextGroupAsync(CancellationToken cancellationToken = default)
    {
        int lost = 0;
        int countedLost = 0;
        while (true)
        {
            ValueTask wait;
            lock (_state.Sync)
            {
                ObjectDisposedException.ThrowIf(_disposed != 0, this);
                while (true)
                {
                    long first = _state.FirstSequence;
                    if (_cursor < first)
                    {
                        lost += (int)(first - _cursor);
                        _cursor = first;
                    }

                    // Groups before the start position are filtered out, not pending: they do not count as lag.
                    while (_cursor < _state.NextSequence && _state.GroupAt(_cursor).GroupId < _min.Group)
                        _cursor++;

                    // Fallen behind: jump to the newest group, losing the stale ones whole. A reader whose next group is
                    // MaxLagGroups behind the newest would see that group go stale with the next one published, so a
                    // reader slower than real time would hover at the bound and abandon every group it starts; from
                    // the newest it has MaxLagGroups groups' time to finish one (live media wants the current group).
                    long pending = _state.NextSequence - _cursor;
                    if (pending > 1 && pending >= MaxLagGroups)
                    {
                        long skip = pending - 1;
                        lost += (int)skip;
                        _cursor += skip;
                    }

                    _state.GroupsSkipped += lost - countedLost;
                    countedLost = lost;

                    if (_cursor >= _state.NextSequence)
                        break;
                    var group = _state.GroupAt(_cursor++);
                    if (group.GroupId < _min.Group)
                        continue;
                    if (_endGroup is { } endGroup && group.GroupId > endGroup)
                    {
                        Interlocked.Add(ref _lost, lost);
                        return TrackReadResult.ForEnd(new TrackEnd(PublishDoneStatusCode.SubscriptionEnded, "End group reached."), lost);
                    }

                    Interlocked.Add(ref _lost, lost);
                    ulong minObject = group.GroupId == _min.Group ? _min.Object : 0;
                    return TrackReadResult.ForGroup(new GroupConsumer(group, minObject, MaxLagGroups), lost);
                }

                if (_state.End is { } end)
                {
                    Interlocked.Add(ref _lost, lost);
                    return TrackReadResult.ForEnd(end, lost);
                }

                wait = _state.Signal.WaitAsync(_waiter, cancellationToken);
            }

            await wait.ConfigureAwait(false);
        }
    }

    /// <summary>Another consumer at the same position with the same options (fan-out). Dispose each clone separately.</summary>
    public TrackConsumer Clone()
    {
        lock (_state.Sync)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            _state.Consumers++;
            return new TrackConsumer(_producer, _cursor, _min, _endGroup, MaxLagGroups, JoiningLocation);
        }
    }

    /// <summary>Unsubscribes this reader.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _producer.ConsumerDisposed();
    }
}
