namespace MoqLive.Moqt.Model;

/// <summary>Result of <see cref="TrackConsumer.NextGroupAsync"/>: the next group, or the end of the subscription.</summary>
public readonly struct TrackReadResult
{
    private TrackReadResult(GroupConsumer? group, int lostGroups, TrackEnd? end)
    {
        Group = group;
        LostGroups = lostGroups;
        End = end;
    }

    /// <summary>The next group, or null when the subscription ended (see <see cref="End"/>).</summary>
    public GroupConsumer? Group { get; }

    /// <summary>
    /// How many whole groups this consumer skipped just before <see cref="Group"/> (or before the end) because it lagged
    /// more than <see cref="TrackConsumerOptions.MaxLagGroups"/> or they left the cache window.
    /// </summary>
    public int LostGroups { get; }

    /// <summary>Why the subscription ended, when <see cref="Group"/> is null.</summary>
    public TrackEnd? End { get; }

    /// <summary>True when the subscription ended.</summary>
    public bool IsEnd => Group is null;

    internal static TrackReadResult ForGroup(GroupConsumer group, int lost) => new(group, lost, null);

    internal static TrackReadResult ForEnd(TrackEnd end, int lost) => new(null, lost, end);
}
