namespace MoqLive.Moqt.Wire;

/// <summary>
/// A Range Filter parameter (draft-ietf-moq-transport-19 §"Range Filters"): SUBGROUP_FILTER (0x25),
/// OBJECTID_FILTER (0x26), PRIORITY_FILTER (0x27), OBJECT_PROPERTY_FILTER (0x28) or TRACK_PROPERTY_FILTER (0x29).
/// Wire form: Length (vi64), then unless the length is 0: SetID (8), [Property Type (vi64)], then delta-encoded
/// Start/End pairs where the final End may be omitted. The deltas are kept as sent
/// (<see cref="EncodedValues"/>) because an overflowing delta is a request error (INVALID_FILTER), not a
/// session error; <see cref="TryGetRanges"/> resolves them.
/// </summary>
public sealed record RangeFilter
{
    private RangeFilter(MessageParameterType type, bool isRemoval, byte setId, ulong? propertyType, ulong[] encodedValues)
    {
        Type = type;
        IsRemoval = isRemoval;
        SetId = setId;
        PropertyType = propertyType;
        _encodedValues = encodedValues;
    }

    private readonly ulong[] _encodedValues;

    public MessageParameterType Type { get; }

    /// <summary>Length 0: in REQUEST_UPDATE, removes this filter parameter.</summary>
    public bool IsRemoval { get; }

    public byte SetId { get; }

    /// <summary>Present for OBJECT_PROPERTY_FILTER and TRACK_PROPERTY_FILTER.</summary>
    public ulong? PropertyType { get; }

    /// <summary>Start delta, End delta, Start delta, … as on the wire.</summary>
    public IReadOnlyList<ulong> EncodedValues => _encodedValues;

    internal static bool HasPropertyType(MessageParameterType type) =>
        type is MessageParameterType.ObjectPropertyFilter or MessageParameterType.TrackPropertyFilter;

    internal static bool IsRangeFilter(MessageParameterType type) =>
        type is >= MessageParameterType.SubgroupFilter and <= MessageParameterType.TrackPropertyFilter;

    /// <summary>A filter removal (Length 0) for REQUEST_UPDATE.</summary>
    public static RangeFilter Removal(MessageParameterType type)
    {
        if (!IsRangeFilter(type))
            throw new ArgumentOutOfRangeException(nameof(type), type, "Not a Range Filter parameter type.");
        return new RangeFilter(type, true, 0, null, []);
    }

    /// <summary>Builds a filter from absolute, ascending, non-overlapping ranges; only the last may be open-ended.</summary>
    public static RangeFilter Create(MessageParameterType type, byte setId, ulong? propertyType, IReadOnlyList<FilterRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        if (!IsRangeFilter(type))
            throw new ArgumentOutOfRangeException(nameof(type), type, "Not a Range Filter parameter type.");
        if (HasPropertyType(type) != propertyType.HasValue)
            throw new ArgumentException("Property Type is present exactly for the property filters.", nameof(propertyType));
        if (ranges.Count == 0)
            throw new ArgumentException("A Range Filter needs at least one range.", nameof(ranges));

        var values = new List<ulong>();
        ulong previousEnd = 0;
        for (int i = 0; i < ranges.Count; i++)
        {
            FilterRange range = ranges[i];
            if (range.Start < previousEnd || (range.End is { } e && e < range.Start))
                throw new ArgumentException("Ranges must be ascending and Start <= End.", nameof(ranges));
            values.Add(range.Start - previousEnd);
            if (range.End is { } end)
            {
                values.Add(end - range.Start);
                previousEnd = end;
            }
            else if (i != ranges.Count - 1)
            {
                throw new ArgumentException("Only the final range may omit its End.", nameof(ranges));
            }
        }

        return new RangeFilter(type, false, setId, propertyType, [.. values]);
    }

    /// <summary>Resolves the delta encoding; false when a value exceeds 2^64 - 1 (INVALID_FILTER).</summary>
    public bool TryGetRanges(out IReadOnlyList<FilterRange> ranges)
    {
        var result = new List<FilterRange>();
        ulong previousEnd = 0;
        for (int i = 0; i < _encodedValues.Length; i += 2)
        {
            if (_encodedValues[i] > ulong.MaxValue - previousEnd)
            {
                ranges = [];
                return false;
            }

            ulong start = previousEnd + _encodedValues[i];
            if (i + 1 < _encodedValues.Length)
            {
                if (_encodedValues[i + 1] > ulong.MaxValue - start)
                {
                    ranges = [];
                    return false;
                }

                previousEnd = start + _encodedValues[i + 1];
                result.Add(new FilterRange(start, previousEnd));
            }
            else
            {
                result.Add(new FilterRange(start, null));
            }
        }

        ranges = result;
        return true;
    }

    /// <summary>Number of ranges (for MAX_FILTER_RANGES accounting).</summary>
    public int RangeCount => (_encodedValues.Length + 1) / 2;

    private int GetInnerLength()
    {
        if (IsRemoval)
            return 0;
        int length = 1;
        if (PropertyType is { } p)
            length += Vi64.GetEncodedLength(p);
        foreach (ulong value in _encodedValues)
            length += Vi64.GetEncodedLength(value);
        return length;
    }

    /// <summary>Length of the value (Length field + contents), without the parameter type.</summary>
    internal int GetEncodedLength() => WireLimits.LengthPrefixed(GetInnerLength());

    internal void Write(ref MoqtSpanWriter writer)
    {
        writer.WriteVi64((ulong)GetInnerLength());
        if (IsRemoval)
            return;
        writer.WriteByte(SetId);
        if (PropertyType is { } p)
            writer.WriteVi64(p);
        foreach (ulong value in _encodedValues)
            writer.WriteVi64(value);
    }

    internal static RangeFilter Read(MessageParameterType type, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
            return Removal(type);
        var reader = new MoqtBodyReader(bytes);
        byte setId = reader.ReadByte();
        ulong? propertyType = HasPropertyType(type) ? reader.ReadVi64() : null;
        var values = new List<ulong>();
        while (!reader.End)
            values.Add(reader.ReadVi64());
        if (values.Count == 0)
            ThrowHelper.ProtocolViolation($"{type} has no ranges");
        return new RangeFilter(type, false, setId, propertyType, [.. values]);
    }

    public bool Equals(RangeFilter? other) =>
        other is not null && Type == other.Type && IsRemoval == other.IsRemoval && SetId == other.SetId &&
        PropertyType == other.PropertyType && _encodedValues.AsSpan().SequenceEqual(other._encodedValues);

    public override int GetHashCode() => HashCode.Combine(Type, SetId, PropertyType, _encodedValues.Length);
}
