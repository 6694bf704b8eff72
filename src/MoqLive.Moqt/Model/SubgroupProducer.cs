using MoqLive.Moqt.Model.Internal;

namespace MoqLive.Moqt.Model;

/// <summary>
/// The writing half of a subgroup: objects in ascending object ID order, then <see cref="Complete"/> (the stream's FIN)
/// or <see cref="Abort"/> (the stream was reset). Thread-safe.
/// </summary>
public sealed class SubgroupProducer
{
    private readonly SubgroupState _subgroup;

    internal SubgroupProducer(SubgroupState subgroup) => _subgroup = subgroup;

    /// <summary>Group ID.</summary>
    public ulong GroupId => _subgroup.Group.GroupId;

    /// <summary>Subgroup ID.</summary>
    public ulong SubgroupId => _subgroup.SubgroupId;

    /// <summary>Publisher priority of this subgroup.</summary>
    public byte PublisherPriority => _subgroup.Priority;

    /// <summary>
    /// Writes a normal object. Takes over one reference to <paramref name="payload"/> (see <see cref="MoqtPayload"/>).
    /// </summary>
    /// <returns>False if the group already left the cache window; the payload reference is released.</returns>
    /// <exception cref="ArgumentException">Object IDs must increase within a subgroup.</exception>
    /// <exception cref="InvalidOperationException">The subgroup is complete or aborted.</exception>
    public bool Write(ulong objectId, MoqtPayload payload, MoqtProperties? properties = null)
        => Write(new MoqtObject(GroupId, SubgroupId, objectId, _subgroup.Priority, ObjectStatus.Normal, payload, properties));

    /// <summary>Writes a status-only object (e.g. <see cref="ObjectStatus.EndOfGroup"/>).</summary>
    public bool WriteStatus(ulong objectId, ObjectStatus status)
        => Write(new MoqtObject(GroupId, SubgroupId, objectId, _subgroup.Priority, status, MoqtPayload.Empty));

    /// <summary>
    /// Writes an object read from elsewhere (a relay forwarding upstream objects: the same instance is shared, nothing
    /// is copied). Takes over one payload reference, except when it throws: then the caller still owns it. Its group
    /// and subgroup IDs must match this subgroup.
    /// </summary>
    public bool Write(MoqtObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (obj.GroupId != GroupId || obj.SubgroupId != SubgroupId || obj.ForwardingPreference != ForwardingPreference.Subgroup)
            throw new ArgumentException($"{obj} does not belong to subgroup {{{GroupId}, {SubgroupId}}}.", nameof(obj));
        SignalWaiter? reader;
        lock (_subgroup.Group.Track.Sync)
        {
            if (_subgroup.Group.Evicted)
            {
                obj.Release();
                return false;
            }

            if (!_subgroup.IsOpen)
                throw new InvalidOperationException($"Subgroup {{{GroupId}, {SubgroupId}}} is closed.");
            reader = AppendUnderLock(_subgroup, obj, requireAscending: true);
        }

        // Outside the lock (see TrackProducerOptions.WakeSingleReaderInline): the one waiting reader runs here.
        reader?.Complete();
        return true;
    }

    /// <summary>The subgroup ended normally (FIN).</summary>
    public void Complete()
    {
        lock (_subgroup.Group.Track.Sync)
        {
            if (!_subgroup.IsOpen)
                return;
            _subgroup.Complete = true;
            _subgroup.Signal.Notify();
            _subgroup.Group.Track.Trim();
        }
    }

    /// <summary>The subgroup was cut short (stream reset); readers see <see cref="ObjectReadStatus.Aborted"/> after the objects already written.</summary>
    public void Abort(StreamResetCode code = StreamResetCode.Cancelled)
    {
        lock (_subgroup.Group.Track.Sync)
        {
            if (!_subgroup.IsOpen)
                return;
            _subgroup.AbortCode = code;
            _subgroup.Signal.Notify();
        }
    }

    /// <summary>
    /// Appends under the track's lock and wakes the subgroup's readers; with
    /// <see cref="TrackProducerOptions.WakeSingleReaderInline"/> a single waiting reader is returned instead, for the
    /// caller to complete once it has released the lock.
    /// </summary>
    internal static SignalWaiter? AppendUnderLock(SubgroupState subgroup, MoqtObject obj, bool requireAscending)
    {
        if (requireAscending && subgroup.LastObjectId is { } last && obj.ObjectId <= last)
            throw new ArgumentException($"Object IDs increase within a subgroup: {obj.ObjectId} after {last}.", nameof(obj));
        var track = subgroup.Group.Track;
        obj.StampReceived(track.Options.TimeProvider.GetTimestamp());
        subgroup.Objects.Add(obj);
        long size = obj.ByteSize;
        subgroup.Group.Bytes += size;
        track.Bytes += size;
        track.ObjectsWritten++;
        var location = obj.Location;
        if (track.Largest is not { } largest || location > largest)
            track.Largest = location;
        SignalWaiter? reader = null;
        if (track.Options.WakeSingleReaderInline)
            reader = subgroup.Signal.NotifyTakingSingleWaiter();
        else
            subgroup.Signal.Notify();
        track.Trim();
        return reader;
    }
}
