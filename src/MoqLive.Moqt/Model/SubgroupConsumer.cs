using System.Runtime.CompilerServices;
using MoqLive.Moqt.Model.Internal;

namespace MoqLive.Moqt.Model;

/// <summary>
/// One reader of a subgroup: objects in object ID order, then the end (FIN), an abort (upstream reset) or abandonment
/// (this reader is too far behind: reset with TOO_FAR_BEHIND). Never skips an object in the middle.
/// </summary>
public sealed class SubgroupConsumer
{
    private readonly SubgroupState _subgroup;
    private readonly ulong _minObject;
    private readonly int _maxLag;
    private readonly SignalWaiter _waiter = new();
    private int _index;
    private bool _skipped;
    private bool _abandoned;

    internal SubgroupConsumer(SubgroupState subgroup, ulong minObject, int maxLag)
    {
        _subgroup = subgroup;
        _minObject = minObject;
        _maxLag = maxLag;
    }

    /// <summary>Group ID.</summary>
    public ulong GroupId => _subgroup.Group.GroupId;

    /// <summary>Subgroup ID (0 for datagrams).</summary>
    public ulong SubgroupId => _subgroup.SubgroupId;

    /// <summary>Publisher priority for the stream or datagrams.</summary>
    public byte PublisherPriority => _subgroup.Priority;

    /// <summary>True for the group's datagrams: send each object as an OBJECT_DATAGRAM, no stream.</summary>
    public bool IsDatagram => _subgroup.IsDatagram;

    /// <summary>
    /// True until this reader skips an object because of its start filter: if the first object read is the first
    /// object of the subgroup a session sets FIRST_OBJECT in the SUBGROUP_HEADER (§"Subgroups").
    /// </summary>
    public bool StartsAtSubgroupStart => !_skipped;

    /// <summary>
    /// The next object, waiting for it if needed. On <see cref="ObjectReadStatus.Object"/> the caller owns one payload
    /// reference and must release it (or hand it to a producer). One read at a time (a second wait throws
    /// <see cref="InvalidOperationException"/>); waiting allocates nothing.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ObjectReadResult> ReadObjectAsync(CancellationToken cancellationToken = default)
    {
        var sync = _subgroup.Group.Track.Sync;
        while (true)
        {
            ValueTask wait;
            lock (sync)
            {
                if (_subgroup.Group.IsStaleFor(_maxLag))
                {
                    if (!_abandoned)
                    {
                        _abandoned = true;
                        _subgroup.Group.Track.SubgroupsAbandoned++;
                    }

                    return ObjectReadResult.AbandonedResult;
                }

                while (_index < _subgroup.Objects.Count)
                {
                    var obj = _subgroup.Objects[_index++];
                    if (obj.GroupId == GroupId && obj.ObjectId < _minObject)
                    {
                        _skipped = true;
                        continue;
                    }

                    obj.Payload.Retain();
                    var track = _subgroup.Group.Track;
                    track.ObjectsRead++;
                    track.BytesRead += obj.Payload.Length;
                    return ObjectReadResult.ForObject(obj);
                }

                if (_subgroup.AbortCode is { } code)
                    return ObjectReadResult.ForAbort(code);
                if (_subgroup.Complete)
                    return ObjectReadResult.EndResult;
                wait = _subgroup.Signal.WaitAsync(_waiter, cancellationToken);
            }

            await wait.ConfigureAwait(false);
        }
    }
}
