namespace MoqLive.Moqt.Model;

/// <summary>Options for <see cref="TrackProducer.Subscribe"/>. Immutable; change with <c>with</c>.</summary>
public sealed record TrackConsumerOptions
{
    /// <summary>Start at the newest object, lag bound 4 groups.</summary>
    public static TrackConsumerOptions Default { get; } = new();

    /// <summary>Where to start. Default <see cref="TrackStart.LargestObject"/>.</summary>
    public TrackStart Start { get; init; } = TrackStart.LargestObject;

    /// <summary>
    /// The most groups this consumer may have pending (unread, including the newest). When its next group is this far
    /// behind (it would go stale with the next group published) it skips whole groups up to the newest one: <see cref="TrackConsumer.NextGroupAsync"/> reports them as lost, and a group it is still
    /// reading when it becomes this stale is abandoned (its subgroup reads return
    /// <see cref="ObjectReadStatus.Abandoned"/>, i.e. the session resets those streams with TOO_FAR_BEHIND).
    /// At least 1. Default 4.
    /// </summary>
    public int MaxLagGroups { get; init; } = 4;
}
