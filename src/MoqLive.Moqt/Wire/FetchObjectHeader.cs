using System.Buffers;
using MoqLive.Moqt.Model;

namespace MoqLive.Moqt.Wire;

/// <summary>
/// One entry on a FETCH stream, before its payload (draft-ietf-moq-transport-19 §"Fetch Header"): Serialization
/// Flags, [Group ID Delta], [Subgroup ID], [Object ID Delta], [Publisher Priority (8)], [Properties], Object
/// Payload Length. End of Range entries (flags 0x8C / 0x10C) carry the range's last Group ID and Object ID and a
/// zero payload length. The draft says their Group ID and Object ID "fields are present" without a delta rule;
/// we read them as absolute values, since a delta (which must move to another group) could not end a range
/// inside the prior object's group. The payload follows and is handled by the caller.
/// </summary>
public readonly record struct FetchObjectHeader
{
    private const ulong SubgroupMask = 0x03;
    private const ulong ObjectIdPresent = 0x04;
    private const ulong GroupIdPresent = 0x08;
    private const ulong PriorityPresent = 0x10;
    private const ulong PropertiesPresent = 0x20;
    private const ulong DatagramFlag = 0x40;

    /// <summary>Serialization Flags value of End of Non-Existent Range.</summary>
    public const ulong EndOfNonExistentRangeFlags = 0x8C;

    /// <summary>Serialization Flags value of End of Unknown Range.</summary>
    public const ulong EndOfUnknownRangeFlags = 0x10C;

    public FetchObjectKind Kind { get; init; }

    public Location Location { get; init; }

    /// <summary>Subgroup ID; null when the object's forwarding preference is Datagram.</summary>
    public ulong? SubgroupId { get; init; }

    public byte PublisherPriority { get; init; }

    public IReadOnlyList<MoqtKeyValuePair> Properties { get; init; }

    public ulong PayloadLength { get; init; }

    /// <summary>An object entry.</summary>
    public static FetchObjectHeader ForObject(Location location, ulong? subgroupId, byte publisherPriority, ulong payloadLength,
        IReadOnlyList<MoqtKeyValuePair>? properties = null) =>
        new()
        {
            Kind = FetchObjectKind.Object,
            Location = location,
            SubgroupId = subgroupId,
            PublisherPriority = publisherPriority,
            PayloadLength = payloadLength,
            Properties = properties ?? [],
        };

    /// <summary>An End of Range entry ending at <paramref name="end"/> (inclusive).</summary>
    public static FetchObjectHeader EndOfRange(Location end, bool unknown) =>
        new()
        {
            Kind = unknown ? FetchObjectKind.EndOfUnknownRange : FetchObjectKind.EndOfNonExistentRange,
            Location = end,
            Properties = [],
        };

    private IReadOnlyList<MoqtKeyValuePair> Props => Properties ?? [];

    // Chooses the most compact flags against the state; returns flags and the delta values to write.
    private (ulong Flags, ulong GroupDelta, ulong ObjectDelta) Plan(FetchStreamState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (Kind != FetchObjectKind.Object)
            return (Kind == FetchObjectKind.EndOfUnknownRange ? EndOfUnknownRangeFlags : EndOfNonExistentRangeFlags, Location.Group, Location.Object);

        ulong flags = 0;
        ulong groupDelta = 0, objectDelta = 0;
        bool groupPresent;
        if (state.PriorGroup is not { } priorGroup || state.PriorObject is not { } priorObject)
        {
            flags |= GroupIdPresent | ObjectIdPresent;
            groupDelta = Location.Group;
            objectDelta = Location.Object;
            groupPresent = true;
        }
        else
        {
            groupPresent = Location.Group != priorGroup;
            if (groupPresent)
            {
                flags |= GroupIdPresent;
                if (state.GroupOrder == GroupOrder.Ascending)
                {
                    if (Location.Group < priorGroup)
                        throw new ArgumentException("FETCH groups must follow the ascending group order.");
                    groupDelta = Location.Group - priorGroup - 1;
                }
                else
                {
                    if (Location.Group > priorGroup)
                        throw new ArgumentException("FETCH groups must follow the descending group order.");
                    groupDelta = priorGroup - Location.Group - 1;
                }
            }

            bool next = priorObject != ulong.MaxValue && Location.Object == priorObject + 1;
            if (!next)
            {
                flags |= ObjectIdPresent;
                if (groupPresent)
                {
                    objectDelta = Location.Object;
                }
                else
                {
                    if (Location.Object < priorObject)
                        throw new ArgumentException("FETCH objects within a group must be in Object ID order.");
                    objectDelta = Location.Object - priorObject;
                }
            }
        }

        if (SubgroupId is not { } subgroup)
            flags |= DatagramFlag;
        else if (subgroup == 0)
            flags |= 0x00;
        else if (state.PriorSubgroup == subgroup)
            flags |= 0x01;
        else if (state.PriorSubgroup is { } prior && prior != ulong.MaxValue && subgroup == prior + 1)
            flags |= 0x02;
        else
            flags |= 0x03;

        if (state.PriorPriority != PublisherPriority)
            flags |= PriorityPresent;
        if (Props.Count > 0)
            flags |= PropertiesPresent;
        return (flags, groupDelta, objectDelta);
    }

    /// <summary>Encoded length of the entry (not the payload) given the current state.</summary>
    public int GetEncodedLength(FetchStreamState state)
    {
        (ulong flags, ulong groupDelta, ulong objectDelta) = Plan(state);
        if (Kind != FetchObjectKind.Object)
            return Vi64.GetEncodedLength(flags) + Vi64.GetEncodedLength(groupDelta) + Vi64.GetEncodedLength(objectDelta) + 1;
        int length = Vi64.GetEncodedLength(flags);
        if ((flags & GroupIdPresent) != 0)
            length += Vi64.GetEncodedLength(groupDelta);
        if ((flags & DatagramFlag) == 0 && (flags & SubgroupMask) == 0x03)
            length += Vi64.GetEncodedLength(SubgroupId!.Value);
        if ((flags & ObjectIdPresent) != 0)
            length += Vi64.GetEncodedLength(objectDelta);
        if ((flags & PriorityPresent) != 0)
            length += 1;
        if ((flags & PropertiesPresent) != 0)
            length += ObjectPropertiesCodec.GetEncodedLength(Props);
        return length + Vi64.GetEncodedLength(PayloadLength);
    }

    /// <summary>Writes the entry (not the payload) and advances <paramref name="state"/>; returns the bytes written.</summary>
    public int Write(Span<byte> destination, FetchStreamState state)
    {
        int length = GetEncodedLength(state);
        (ulong flags, ulong groupDelta, ulong objectDelta) = Plan(state);
        var writer = new MoqtSpanWriter(destination[..length]);
        writer.WriteVi64(flags);
        if (Kind != FetchObjectKind.Object)
        {
            writer.WriteVi64(groupDelta);
            writer.WriteVi64(objectDelta);
            writer.WriteVi64(0);
        }
        else
        {
            if ((flags & GroupIdPresent) != 0)
                writer.WriteVi64(groupDelta);
            if ((flags & DatagramFlag) == 0 && (flags & SubgroupMask) == 0x03)
                writer.WriteVi64(SubgroupId!.Value);
            if ((flags & ObjectIdPresent) != 0)
                writer.WriteVi64(objectDelta);
            if ((flags & PriorityPresent) != 0)
                writer.WriteByte(PublisherPriority);
            if ((flags & PropertiesPresent) != 0)
                ObjectPropertiesCodec.Write(ref writer, Props);
            writer.WriteVi64(PayloadLength);
        }

        Apply(state);
        return writer.Position;
    }

    private void Apply(FetchStreamState state)
    {
        state.PriorGroup = Location.Group;
        state.PriorObject = Location.Object;
        if (Kind == FetchObjectKind.Object)
        {
            state.PriorSubgroup = SubgroupId;
            state.PriorPriority = PublisherPriority;
        }
    }

    /// <summary>
    /// Reads one entry (not its payload) and advances <paramref name="state"/>. False (reader and state
    /// unchanged) when more bytes are needed; invalid flags or references are a PROTOCOL_VIOLATION.
    /// </summary>
    public static bool TryRead(ref SequenceReader<byte> reader, FetchStreamState state, out FetchObjectHeader header)
    {
        ArgumentNullException.ThrowIfNull(state);
        header = default;
        SequenceReader<byte> start = reader;
        if (!Vi64.TryRead(ref reader, out ulong flags))
            return Rewind(ref reader, start);

        if (flags is EndOfNonExistentRangeFlags or EndOfUnknownRangeFlags)
        {
            if (!Vi64.TryRead(ref reader, out ulong group) || !Vi64.TryRead(ref reader, out ulong obj) ||
                !Vi64.TryRead(ref reader, out ulong rangePayload))
                return Rewind(ref reader, start);
            if (rangePayload != 0)
                ThrowHelper.ProtocolViolation("End of Range with a non-zero Object Payload Length");
            header = EndOfRange(new Location(group, obj), flags == EndOfUnknownRangeFlags);
            header.Apply(state);
            return true;
        }

        if (flags > 0x7F)
            ThrowHelper.ProtocolViolation($"invalid FETCH Serialization Flags 0x{flags:x}");

        bool first = state.PriorGroup is null;
        ulong groupId;
        ulong? groupDelta = null;
        if ((flags & GroupIdPresent) != 0)
        {
            if (!Vi64.TryRead(ref reader, out ulong delta))
                return Rewind(ref reader, start);
            groupDelta = delta;
        }

        ulong? subgroupId = null;
        bool datagram = (flags & DatagramFlag) != 0;
        if (!datagram && (flags & SubgroupMask) == 0x03)
        {
            if (!Vi64.TryRead(ref reader, out ulong explicitSubgroup))
                return Rewind(ref reader, start);
            subgroupId = explicitSubgroup;
        }

        ulong? objectDelta = null;
        if ((flags & ObjectIdPresent) != 0)
        {
            if (!Vi64.TryRead(ref reader, out ulong delta))
                return Rewind(ref reader, start);
            objectDelta = delta;
        }

        byte? priority = null;
        if ((flags & PriorityPresent) != 0)
        {
            if (!reader.TryRead(out byte p))
                return Rewind(ref reader, start);
            priority = p;
        }

        IReadOnlyList<MoqtKeyValuePair> properties = [];
        if ((flags & PropertiesPresent) != 0 && !ObjectPropertiesCodec.TryRead(ref reader, out properties))
            return Rewind(ref reader, start);

        if (!Vi64.TryRead(ref reader, out ulong payloadLength))
            return Rewind(ref reader, start);

        // Resolve against the prior entry (draft-19 §"Flags").
        if (first && (groupDelta is null || objectDelta is null))
            ThrowHelper.ProtocolViolation("the first FETCH object must carry Group ID and Object ID");

        if (groupDelta is { } gd)
        {
            if (first)
            {
                groupId = gd;
            }
            else if (state.GroupOrder == GroupOrder.Ascending)
            {
                if (gd >= ulong.MaxValue - state.PriorGroup!.Value)
                    ThrowHelper.ProtocolViolation("FETCH Group ID exceeds 2^64 - 1");
                groupId = state.PriorGroup!.Value + gd + 1;
            }
            else
            {
                if (gd >= state.PriorGroup!.Value)
                    ThrowHelper.ProtocolViolation("FETCH Group ID would be negative");
                groupId = state.PriorGroup!.Value - gd - 1;
            }
        }
        else
        {
            groupId = state.PriorGroup!.Value;
        }

        ulong objectId;
        if (objectDelta is { } od)
        {
            if (first || groupDelta.HasValue)
            {
                objectId = od;
            }
            else
            {
                if (od > ulong.MaxValue - state.PriorObject!.Value)
                    ThrowHelper.ProtocolViolation("FETCH Object ID exceeds 2^64 - 1");
                objectId = state.PriorObject!.Value + od;
            }
        }
        else
        {
            if (state.PriorObject!.Value == ulong.MaxValue)
                ThrowHelper.ProtocolViolation("FETCH Object ID exceeds 2^64 - 1");
            objectId = state.PriorObject!.Value + 1;
        }

        if (!datagram)
        {
            switch (flags & SubgroupMask)
            {
                case 0x00:
                    subgroupId = 0;
                    break;
                case 0x01:
                    subgroupId = state.PriorSubgroup ?? ThrowHelper.ProtocolViolation<ulong>("FETCH object references a missing prior Subgroup ID");
                    break;
                case 0x02:
                    ulong priorSubgroup = state.PriorSubgroup ?? ThrowHelper.ProtocolViolation<ulong>("FETCH object references a missing prior Subgroup ID");
                    if (priorSubgroup == ulong.MaxValue)
                        ThrowHelper.ProtocolViolation("FETCH Subgroup ID exceeds 2^64 - 1");
                    subgroupId = priorSubgroup + 1;
                    break;
            }
        }

        byte publisherPriority = priority ?? state.PriorPriority ?? ThrowHelper.ProtocolViolation<byte>("FETCH object references a missing prior Publisher Priority");

        header = ForObject(new Location(groupId, objectId), subgroupId, publisherPriority, payloadLength, properties);
        header.Apply(state);
        return true;
    }

    /// <summary>Reads one entry and its whole payload (a slice of the input, not copied). False when incomplete.</summary>
    public static bool TryReadWithPayload(ref SequenceReader<byte> reader, FetchStreamState state, out FetchObjectHeader header,
        out ReadOnlySequence<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(state);
        payload = default;
        SequenceReader<byte> start = reader;
        (ulong? g, ulong? o, ulong? s, byte? p) = (state.PriorGroup, state.PriorObject, state.PriorSubgroup, state.PriorPriority);
        if (!TryRead(ref reader, state, out header))
            return false;
        if ((ulong)reader.Remaining < header.PayloadLength)
        {
            reader = start;
            (state.PriorGroup, state.PriorObject, state.PriorSubgroup, state.PriorPriority) = (g, o, s, p);
            return false;
        }

        payload = reader.UnreadSequence.Slice(0, (long)header.PayloadLength);
        reader.Advance((long)header.PayloadLength);
        return true;
    }

    private static bool Rewind(ref SequenceReader<byte> reader, SequenceReader<byte> start)
    {
        reader = start;
        return false;
    }

    public bool Equals(FetchObjectHeader other) =>
        Kind == other.Kind && Location == other.Location && SubgroupId == other.SubgroupId &&
        PublisherPriority == other.PublisherPriority && PayloadLength == other.PayloadLength && Props.SequenceEqual(other.Props);

    public override int GetHashCode() => HashCode.Combine(Kind, Location, SubgroupId);
}
