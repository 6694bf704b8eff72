using MoqLive.Moqt.Model;

namespace MoqLive.Moqt.Wire;

/// <summary>
/// The "prior Object" state that FETCH stream entries are delta-encoded against (draft-ietf-moq-transport-19
/// §"Flags", §"End of Range"). One instance per FETCH stream and direction; <see cref="FetchObjectHeader"/>
/// reads and writes update it. Group deltas run in the fetch's group order.
/// </summary>
public sealed class FetchStreamState
{
    public FetchStreamState(GroupOrder groupOrder = GroupOrder.Ascending)
    {
        GroupOrder = groupOrder;
    }

    /// <summary>The fetch's group order (Group ID Delta direction).</summary>
    public GroupOrder GroupOrder { get; }

    /// <summary>Group of the prior entry (object or end of range); null before the first.</summary>
    public ulong? PriorGroup { get; internal set; }

    /// <summary>Object ID of the prior entry.</summary>
    public ulong? PriorObject { get; internal set; }

    /// <summary>Subgroup of the last actual object; null if none or it was sent as a datagram.</summary>
    public ulong? PriorSubgroup { get; internal set; }

    /// <summary>Publisher Priority of the last actual object.</summary>
    public byte? PriorPriority { get; internal set; }
}
