using MoqLive.Transport;

namespace MoqLive.Moqt.Model;

/// <summary>
/// Maps MOQT priorities (draft-ietf-moq-transport-19 §"Scheduling Algorithm") onto a transport
/// <see cref="StreamPriority"/>: subscriber priority first, then publisher priority (both strict, so they form the
/// urgency), then group order, then the lowest subgroup ID (the order within an urgency).
/// </summary>
public static class PriorityMapping
{
    // Order packs (group rank << 8) | subgroup; group ranks above this are clamped (they only lose ordering among
    // themselves, never against smaller IDs).
    private const ulong MaxGroupRank = (1UL << 54) - 1;

    /// <summary>Stream priority for a subgroup of a subscription.</summary>
    /// <param name="subscriberPriority">SUBSCRIBER_PRIORITY of the subscription (0 highest).</param>
    /// <param name="publisherPriority">Publisher priority of the subgroup (0 highest).</param>
    /// <param name="groupOrder">Group order of the subscription.</param>
    /// <param name="groupId">Group ID.</param>
    /// <param name="subgroupId">Subgroup ID (lower first within a group).</param>
    public static StreamPriority ForSubgroup(byte subscriberPriority, byte publisherPriority, GroupOrder groupOrder, ulong groupId, ulong subgroupId)
    {
        ulong rank = Math.Min(groupId, MaxGroupRank);
        if (groupOrder == GroupOrder.Descending)
            rank = MaxGroupRank - rank;
        long order = (long)((rank << 8) | Math.Min(subgroupId, 255UL));
        return new StreamPriority((subscriberPriority << 8) | publisherPriority, order);
    }

    /// <summary>Stream priority for a FETCH response stream (one stream; objects keep their order within it).</summary>
    public static StreamPriority ForFetch(byte subscriberPriority, byte publisherPriority)
        => new((subscriberPriority << 8) | publisherPriority, 0);
}
