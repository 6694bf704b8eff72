namespace MoqLive.Moqt.Model.Internal;

/// <summary>Shared state of one group. Guarded by the track's lock.</summary>
internal sealed class GroupState(TrackState track, ulong groupId, long sequence, long createdTimestamp)
{
    public TrackState Track { get; } = track;

    public ulong GroupId { get; } = groupId;

    /// <summary>Arrival order within the track: consumers' cursors count in sequences, not group IDs.</summary>
    public long Sequence { get; } = sequence;

    public long CreatedTimestamp { get; } = createdTimestamp;

    /// <summary>Subgroups (and at most one datagram pseudo-subgroup) in creation order.</summary>
    public List<SubgroupState> Subgroups { get; } = [];

    public SubgroupState? Datagrams { get; set; }

    /// <summary>No new subgroups or datagrams will appear.</summary>
    public bool Complete { get; set; }

    /// <summary>Left the cache window: payload references released, readers see Abandoned.</summary>
    public bool Evicted { get; set; }

    public long Bytes { get; set; }

    public AsyncSignal Signal { get; } = new();

    public SubgroupState? FindSubgroup(ulong subgroupId)
    {
        foreach (var s in Subgroups)
        {
            if (!s.IsDatagram && s.SubgroupId == subgroupId)
                return s;
        }

        return null;
    }

    /// <summary>True if a reader with <paramref name="maxLag"/> must abandon this group.</summary>
    public bool IsStaleFor(int maxLag) => Evicted || Track.NextSequence - Sequence > maxLag;
}
