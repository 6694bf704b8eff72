using MoqLive.Moqt.Model.Internal;

namespace MoqLive.Moqt.Model;

/// <summary>
/// One reader of a group: yields its subgroups (and its datagrams as one pseudo-subgroup) in creation order. A session
/// opens one stream per subgroup. Cheap; <see cref="Clone"/> for another reader from the start.
/// </summary>
public sealed class GroupConsumer
{
    private readonly GroupState _group;
    private readonly ulong _minObject;
    private readonly int _maxLag;
    private readonly SignalWaiter _waiter = new();
    private int _index;

    internal GroupConsumer(GroupState group, ulong minObject, int maxLag)
    {
        _group = group;
        _minObject = minObject;
        _maxLag = maxLag;
    }

    /// <summary>Group ID.</summary>
    public ulong GroupId => _group.GroupId;

    /// <summary>The track's default publisher priority (subgroups carry their own).</summary>
    public TrackInfo TrackInfo => _group.Track.Info;

    /// <summary>True if this reader fell too far behind or the group left the cache window.</summary>
    public bool IsAbandoned
    {
        get
        {
            lock (_group.Track.Sync)
                return _group.IsStaleFor(_maxLag);
        }
    }

    /// <summary>
    /// The next subgroup, waiting for one to be opened; null when the group is complete and all were returned, or
    /// when the group was abandoned for this reader (<see cref="IsAbandoned"/>). One call at a time (a second wait throws
    /// <see cref="InvalidOperationException"/>); waiting allocates nothing.
    /// </summary>
    public async ValueTask<SubgroupConsumer?> NextSubgroupAsync(CancellationToken cancellationToken = default)
    {
        var sync = _group.Track.Sync;
        while (true)
        {
            ValueTask wait;
            lock (sync)
            {
                if (_group.IsStaleFor(_maxLag))
                    return null;
                if (_index < _group.Subgroups.Count)
                    return new SubgroupConsumer(_group.Subgroups[_index++], _minObject, _maxLag);
                if (_group.Complete || _group.Track.End is not null)
                    return null;
                wait = _group.Signal.WaitAsync(_waiter, cancellationToken);
            }

            await wait.ConfigureAwait(false);
        }
    }

    /// <summary>A reader of the same group from its first subgroup.</summary>
    public GroupConsumer Clone() => new(_group, _minObject, _maxLag);
}
