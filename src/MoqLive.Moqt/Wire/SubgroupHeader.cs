using System.Buffers;

namespace MoqLive.Moqt.Wire;

/// <summary>
/// SUBGROUP_HEADER (draft-ietf-moq-transport-19 §"Subgroup Header"): Type (0b0XX1XXXX), Track Alias, Group ID,
/// [Subgroup ID], [Publisher Priority (8)]. The type bits are PROPERTIES (0x01), SUBGROUP_ID_MODE (0x06),
/// END_OF_GROUP (0x08), DEFAULT_PRIORITY (0x20, priority omitted) and FIRST_OBJECT (0x40).
/// </summary>
public sealed record SubgroupHeader
{
    public required ulong TrackAlias { get; init; }

    public required ulong GroupId { get; init; }

    public SubgroupIdMode SubgroupIdMode { get; init; } = SubgroupIdMode.Explicit;

    /// <summary>The Subgroup ID when <see cref="SubgroupIdMode"/> is Explicit; 0 for Zero; ignored (the first Object ID) for FirstObjectId.</summary>
    public ulong SubgroupId { get; init; }

    /// <summary>The Publisher Priority, or null for DEFAULT_PRIORITY (inherit the track's).</summary>
    public byte? PublisherPriority { get; init; }

    /// <summary>Every object on the stream has a Properties field.</summary>
    public bool HasProperties { get; init; }

    /// <summary>The subgroup contains the largest Object in the Group.</summary>
    public bool EndOfGroup { get; init; }

    /// <summary>The first object on this stream is the first object published in the subgroup.</summary>
    public bool FirstObject { get; init; }

    /// <summary>The stream type value these flags give.</summary>
    public ulong StreamType =>
        0x10UL | (HasProperties ? 0x01UL : 0) | ((ulong)SubgroupIdMode << 1) | (EndOfGroup ? 0x08UL : 0) |
        (PublisherPriority is null ? 0x20UL : 0) | (FirstObject ? 0x40UL : 0);

    /// <summary>Encoded length, including the stream type.</summary>
    public int GetEncodedLength()
    {
        if (!Enum.IsDefined(SubgroupIdMode))
            throw new InvalidOperationException("Invalid SUBGROUP_ID_MODE.");
        if (SubgroupIdMode == SubgroupIdMode.Zero && SubgroupId != 0)
            throw new InvalidOperationException("SubgroupIdMode.Zero requires Subgroup ID 0.");
        return Vi64.GetEncodedLength(StreamType) + Vi64.GetEncodedLength(TrackAlias) + Vi64.GetEncodedLength(GroupId) +
            (SubgroupIdMode == SubgroupIdMode.Explicit ? Vi64.GetEncodedLength(SubgroupId) : 0) + (PublisherPriority is null ? 0 : 1);
    }

    /// <summary>Writes the header; returns the bytes written.</summary>
    public int Write(Span<byte> destination)
    {
        int length = GetEncodedLength();
        var writer = new MoqtSpanWriter(destination[..length]);
        writer.WriteVi64(StreamType);
        writer.WriteVi64(TrackAlias);
        writer.WriteVi64(GroupId);
        if (SubgroupIdMode == SubgroupIdMode.Explicit)
            writer.WriteVi64(SubgroupId);
        if (PublisherPriority is { } priority)
            writer.WriteByte(priority);
        return writer.Position;
    }

    /// <summary>
    /// Reads the header, type included, from the start of a stream. False (reader unchanged) when more bytes
    /// are needed; a type that is not a valid SUBGROUP_HEADER is a PROTOCOL_VIOLATION.
    /// </summary>
    public static bool TryRead(ref SequenceReader<byte> reader, out SubgroupHeader header)
    {
        header = null!;
        SequenceReader<byte> start = reader;
        if (!Vi64.TryRead(ref reader, out ulong type))
            return Rewind(ref reader, start);
        if (!MoqtStreamType.IsSubgroupHeader(type))
            ThrowHelper.ProtocolViolation($"invalid SUBGROUP_HEADER type 0x{type:x}");
        if (!Vi64.TryRead(ref reader, out ulong alias) || !Vi64.TryRead(ref reader, out ulong group))
            return Rewind(ref reader, start);

        var mode = (SubgroupIdMode)((type & 0x06) >> 1);
        ulong subgroup = 0;
        if (mode == SubgroupIdMode.Explicit && !Vi64.TryRead(ref reader, out subgroup))
            return Rewind(ref reader, start);

        byte? priority = null;
        if ((type & 0x20) == 0)
        {
            if (!reader.TryRead(out byte p))
                return Rewind(ref reader, start);
            priority = p;
        }

        header = new SubgroupHeader
        {
            TrackAlias = alias,
            GroupId = group,
            SubgroupIdMode = mode,
            SubgroupId = subgroup,
            PublisherPriority = priority,
            HasProperties = (type & 0x01) != 0,
            EndOfGroup = (type & 0x08) != 0,
            FirstObject = (type & 0x40) != 0,
        };
        return true;
    }

    private static bool Rewind(ref SequenceReader<byte> reader, SequenceReader<byte> start)
    {
        reader = start;
        return false;
    }
}
