using MoqLive.Moqt.Model.Internal;

namespace MoqLive.Moqt.Model;

/// <summary>
/// The writing half of a group: opens subgroups (one per data stream) and writes datagrams. Thread-safe; several
/// producers may refer to the same group (one per incoming subgroup stream).
/// </summary>
public sealed class GroupProducer
{
    private readonly GroupState _group;

    internal GroupProducer(GroupState group) => _group = group;

    /// <summary>Group ID.</summary>
    public ulong GroupId => _group.GroupId;

    /// <summary>True once the group left the cache window; further writes are dropped.</summary>
    public bool IsEvicted
    {
        get
        {
            lock (_group.Track.Sync)
                return _group.Evicted;
        }
    }

    /// <summary>Opens a new subgroup with the given publisher priority (default: the track's).</summary>
    /// <exception cref="InvalidOperationException">The subgroup exists already, or the group is complete.</exception>
    public SubgroupProducer CreateSubgroup(ulong subgroupId, byte? publisherPriority = null)
    {
        lock (_group.Track.Sync)
        {
            if (_group.FindSubgroup(subgroupId) is not null)
                throw new InvalidOperationException($"Subgroup {subgroupId} of group {_group.GroupId} already exists.");
            return new SubgroupProducer(AddSubgroup(subgroupId, publisherPriority ?? _group.Track.Info.PublisherPriority, isDatagram: false));
        }
    }

    /// <summary>The subgroup with this ID, or a new one (a relay re-receiving a subgroup after a reset).</summary>
    /// <exception cref="InvalidOperationException">The group is complete and the subgroup does not exist.</exception>
    public SubgroupProducer GetOrCreateSubgroup(ulong subgroupId, byte? publisherPriority = null)
    {
        lock (_group.Track.Sync)
        {
            var existing = _group.FindSubgroup(subgroupId);
            return new SubgroupProducer(existing ?? AddSubgroup(subgroupId, publisherPriority ?? _group.Track.Info.PublisherPriority, isDatagram: false));
        }
    }

    /// <summary>
    /// Writes an object with forwarding preference Datagram. Takes over one reference to <paramref name="payload"/>.
    /// Datagrams of a group appear to consumers as one subgroup with <see cref="SubgroupConsumer.IsDatagram"/> set.
    /// </summary>
    /// <returns>False if the group already left the cache window (the payload reference is released).</returns>
    public bool WriteDatagram(ulong objectId, MoqtPayload payload, MoqtProperties? properties = null, byte? publisherPriority = null, ObjectStatus status = ObjectStatus.Normal)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var priority = publisherPriority ?? _group.Track.Info.PublisherPriority;
        return WriteDatagram(new MoqtObject(_group.GroupId, 0, objectId, priority, status, payload, properties, ForwardingPreference.Datagram));
    }

    /// <summary>
    /// Writes a datagram object received elsewhere (a relay forwarding it), keeping its
    /// <see cref="MoqtObject.ReceivedTimestamp"/>. Takes over one reference to its payload.
    /// </summary>
    /// <returns>False if the group already left the cache window (the payload reference is released).</returns>
    public bool WriteDatagram(MoqtObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (obj.GroupId != _group.GroupId || obj.ForwardingPreference != ForwardingPreference.Datagram)
            throw new ArgumentException($"{obj} is not a datagram of group {_group.GroupId}.", nameof(obj));
        var priority = obj.PublisherPriority;
        SignalWaiter? reader;
        lock (_group.Track.Sync)
        {
            if (_group.Evicted)
            {
                obj.Release();
                return false;
            }

            var datagrams = _group.Datagrams ??= AddSubgroup(0, priority, isDatagram: true);
            reader = SubgroupProducer.AppendUnderLock(datagrams, obj, requireAscending: false);
        }

        // Outside the lock (see TrackProducerOptions.WakeSingleReaderInline): the one waiting reader runs here.
        reader?.Complete();
        return true;
    }

    /// <summary>No more subgroups or datagrams will be added (END_OF_GROUP known). Open subgroups stay open.</summary>
    public void Complete()
    {
        lock (_group.Track.Sync)
        {
            if (_group.Complete)
                return;
            _group.Complete = true;
            _group.Signal.Notify();
            _group.Datagrams?.Signal.Notify();
            if (_group.Datagrams is { } d)
                d.Complete = true;
            _group.Track.Trim();
        }
    }

    /// <summary>Aborts every open subgroup with <paramref name="code"/> and completes the group.</summary>
    public void Abort(StreamResetCode code = StreamResetCode.Cancelled)
    {
        lock (_group.Track.Sync)
        {
            foreach (var s in _group.Subgroups)
            {
                if (s.IsOpen)
                {
                    s.AbortCode = code;
                    s.Signal.Notify();
                }
            }

            _group.Complete = true;
            _group.Signal.Notify();
        }
    }

    private SubgroupState AddSubgroup(ulong subgroupId, byte priority, bool isDatagram)
    {
        if (_group.Complete && !_group.Evicted)
            throw new InvalidOperationException($"Group {_group.GroupId} is complete.");
        var state = new SubgroupState(_group, subgroupId, priority, isDatagram);
        if (_group.Evicted)
        {
            // Too late to be cached or forwarded: writes into it are dropped.
            state.AbortCode = StreamResetCode.TooFarBehind;
            return state;
        }

        _group.Subgroups.Add(state);
        _group.Signal.Notify();
        return state;
    }
}
