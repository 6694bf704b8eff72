namespace MoqLive.Moqt.Model.Internal;

/// <summary>
/// Shared state of a track: the window of newest groups (contiguous in arrival sequence, evicted from the front),
/// largest location, end state. One lock guards the track and all its groups and subgroups, so eviction, lag checks
/// and reads see one consistent picture.
/// </summary>
internal sealed class TrackState(TrackInfo info, TrackProducerOptions options)
{
    public Lock Sync { get; } = new();

    public TrackInfo Info { get; } = info;

    public TrackProducerOptions Options { get; } = options;

    /// <summary>Cache window in arrival order; sequences are contiguous.</summary>
    public List<GroupState> Groups { get; } = [];

    public Dictionary<ulong, GroupState> ById { get; } = [];

    /// <summary>Arrival sequence the next new group gets.</summary>
    public long NextSequence { get; set; }

    public long FirstSequence => Groups.Count == 0 ? NextSequence : Groups[0].Sequence;

    public long Bytes { get; set; }

    public Location? Largest { get; set; }

    public TrackEnd? End { get; set; }

    public AsyncSignal Signal { get; } = new();

    public int Consumers { get; set; }

    public long EvictedGroups { get; set; }

    public long ObjectsWritten { get; set; }

    public long ObjectsRead { get; set; }

    public long BytesRead { get; set; }

    public long GroupsSkipped { get; set; }

    public long SubgroupsAbandoned { get; set; }

    public GroupState? Newest => Groups.Count == 0 ? null : Groups[^1];

    public GroupState GroupAt(long sequence) => Groups[checked((int)(sequence - FirstSequence))];

    /// <summary>
    /// Where a reader that wants groups from <paramref name="groupId"/> on starts: the earliest arrival of such a group
    /// (or <see cref="NextSequence"/>). Not simply the newest arrival: groups are separate streams and may arrive out of
    /// order (§"Subgroup Streams"), so a lower group can be created after the one that holds the largest object.
    /// </summary>
    public long FirstSequenceFrom(ulong groupId)
    {
        foreach (var group in Groups)
        {
            if (group.GroupId >= groupId)
                return group.Sequence;
        }

        return NextSequence;
    }

    /// <summary>Evicts front groups beyond the count, byte and age bounds. Call under <see cref="Sync"/>.</summary>
    public void Trim()
    {
        var options = Options;
        while (Groups.Count > 0)
        {
            var oldest = Groups[0];
            bool isNewest = Groups.Count == 1;

            // The newest group stays while it is still being written: live readers are on it.
            if (isNewest && !oldest.Complete)
                return;
            bool over = Groups.Count > options.MaxGroups
                        || Bytes > options.MaxBytes
                        || (options.MaxAge is { } maxAge && options.TimeProvider.GetElapsedTime(oldest.CreatedTimestamp) >= maxAge);
            if (!over)
                return;
            EvictFront();
        }
    }

    /// <summary>Evicts every group (producer disposed). Call under <see cref="Sync"/>.</summary>
    public void EvictAll()
    {
        while (Groups.Count > 0)
            EvictFront();
    }

    private void EvictFront()
    {
        var group = Groups[0];
        Groups.RemoveAt(0);
        if (ById.TryGetValue(group.GroupId, out var byId) && ReferenceEquals(byId, group))
            ById.Remove(group.GroupId);
        group.Evicted = true;
        group.Complete = true;
        Bytes -= group.Bytes;
        group.Bytes = 0;
        EvictedGroups++;
        foreach (var subgroup in group.Subgroups)
        {
            // The group's own reference to each payload; readers that still hold objects keep theirs.
            foreach (var obj in subgroup.Objects)
                obj.Release();
            subgroup.Objects.Clear();
            subgroup.Signal.Notify();
        }

        group.Signal.Notify();
    }
}
