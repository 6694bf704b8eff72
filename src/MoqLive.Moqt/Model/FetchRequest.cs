namespace MoqLive.Moqt.Model;

/// <summary>
/// A FETCH (draft-ietf-moq-transport-19 §"FETCH"). Ranges are inclusive on both ends in the model: an
/// <see cref="End"/> object of <see cref="ulong.MaxValue"/> means "the whole end group". A session maps the wire
/// End Location ("last object + 1", object 0 = whole group) to and from this form.
/// </summary>
public sealed class FetchRequest
{
    private FetchRequest(FetchType type, FullTrackName track, Location start, Location end, TrackConsumer? joining, ulong joiningStart, GroupOrder groupOrder, byte subscriberPriority)
    {
        GroupOrder = groupOrder;
        SubscriberPriority = subscriberPriority;
        Type = type;
        Track = track;
        Start = start;
        End = end;
        JoiningSubscription = joining;
        JoiningStart = joiningStart;
    }

    /// <summary>Fetch type.</summary>
    public FetchType Type { get; }

    /// <summary>The track.</summary>
    public FullTrackName Track { get; }

    /// <summary>Start location (standalone).</summary>
    public Location Start { get; }

    /// <summary>Inclusive end location (standalone).</summary>
    public Location End { get; }

    /// <summary>
    /// For joining fetches: the subscription joined, as the consumer its SUBSCRIBE returned. A session receiving a
    /// joining FETCH looks up the consumer of the referenced Request ID; a session sending one finds the Request ID of the
    /// subscription the consumer came from (<see cref="TrackConsumer.IsFrom"/>).
    /// </summary>
    public TrackConsumer? JoiningSubscription { get; }

    /// <summary>Joining Start: groups back (relative) or the start group (absolute).</summary>
    public ulong JoiningStart { get; }

    /// <summary>SUBSCRIBER_PRIORITY; default 128.</summary>
    public byte SubscriberPriority { get; }

    /// <summary>GROUP_ORDER; FETCH defaults to ascending.</summary>
    public GroupOrder GroupOrder { get; }

    /// <summary>A standalone fetch of <paramref name="start"/>..<paramref name="end"/> inclusive.</summary>
    public static FetchRequest Standalone(
        FullTrackName track,
        Location start,
        Location end,
        GroupOrder groupOrder = GroupOrder.Ascending,
        byte subscriberPriority = TrackInfo.DefaultPublisherPriority)
    {
        ArgumentNullException.ThrowIfNull(track);
        return new FetchRequest(FetchType.Standalone, track, start, end, null, 0, groupOrder, subscriberPriority);
    }

    /// <summary>A relative joining fetch: <paramref name="groupsBack"/> = 0 fetches the current group up to the joining location.</summary>
    public static FetchRequest RelativeJoining(
        TrackConsumer subscription,
        ulong groupsBack,
        GroupOrder groupOrder = GroupOrder.Ascending,
        byte subscriberPriority = TrackInfo.DefaultPublisherPriority)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return new FetchRequest(FetchType.RelativeJoining, subscription.Name, default, default, subscription, groupsBack, groupOrder, subscriberPriority);
    }

    /// <summary>An absolute joining fetch from group <paramref name="startGroup"/> up to the joining location.</summary>
    public static FetchRequest AbsoluteJoining(
        TrackConsumer subscription,
        ulong startGroup,
        GroupOrder groupOrder = GroupOrder.Ascending,
        byte subscriberPriority = TrackInfo.DefaultPublisherPriority)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return new FetchRequest(FetchType.AbsoluteJoining, subscription.Name, default, default, subscription, startGroup, groupOrder, subscriberPriority);
    }

    /// <summary>
    /// The concrete inclusive range (§"Joining Fetch Range Calculation"): for joining fetches the end is the Joining
    /// Location and the start is {JL.Group − JoiningStart, 0} or {JoiningStart, 0}. False if the joined subscription has no
    /// Joining Location yet (nothing published: INVALID_RANGE).
    /// </summary>
    public bool TryResolveRange(out Location start, out Location end)
    {
        if (Type == FetchType.Standalone)
        {
            start = Start;
            end = End;
            return true;
        }

        if (JoiningSubscription?.JoiningLocation is not { } joining)
        {
            start = end = default;
            return false;
        }

        return TryResolveRange(joining, out start, out end);
    }

    /// <summary>
    /// The inclusive range of a joining fetch against <paramref name="joiningLocation"/> (§"Joining Fetch Range
    /// Calculation"), for a publisher that learns the Joining Location of the joined subscription later than it was
    /// created (a relay whose upstream had not said it yet). An object of <see cref="ulong.MaxValue"/> means "the whole
    /// group". False if the range is empty.
    /// </summary>
    public bool TryResolveRange(Location joiningLocation, out Location start, out Location end)
    {
        if (Type == FetchType.Standalone)
            throw new InvalidOperationException("A standalone fetch has no Joining Location.");
        var joining = joiningLocation;
        end = joining;
        ulong startGroup = Type == FetchType.RelativeJoining
            ? (JoiningStart >= joining.Group ? 0 : joining.Group - JoiningStart)
            : JoiningStart;
        start = new Location(startGroup, 0);
        return start <= end;
    }
}
