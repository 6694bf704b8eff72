using MoqLive.Moqt.Model;

namespace MoqLive.Moqt.Wire;

/// <summary>
/// A Location Filter (draft-ietf-moq-transport-19 §"Location Filters"), carried length-prefixed in the
/// LOCATION_FILTER parameter: Filter Type, [Start Location], [End Group Delta].
/// </summary>
public sealed record LocationFilter
{
    private LocationFilter(LocationFilterType type, Location? start, ulong? endGroupDelta)
    {
        Type = type;
        Start = start;
        EndGroupDelta = endGroupDelta;
    }

    public LocationFilterType Type { get; }

    /// <summary>Present for AbsoluteStart and AbsoluteRange.</summary>
    public Location? Start { get; }

    /// <summary>Present for AbsoluteRange: 0 means "the rest of the start group"; else End Group = Start.Group + delta.</summary>
    public ulong? EndGroupDelta { get; }

    /// <summary>The last group delivered (AbsoluteRange only).</summary>
    public ulong? EndGroup => Start is { } start && EndGroupDelta is { } delta ? start.Group + delta : null;

    public static LocationFilter NextGroupStart { get; } = new(LocationFilterType.NextGroupStart, null, null);

    public static LocationFilter LargestObject { get; } = new(LocationFilterType.LargestObject, null, null);

    public static LocationFilter AbsoluteStart(Location start) => new(LocationFilterType.AbsoluteStart, start, null);

    public static LocationFilter AbsoluteRange(Location start, ulong endGroupDelta)
    {
        if (endGroupDelta > ulong.MaxValue - start.Group)
            throw new ArgumentOutOfRangeException(nameof(endGroupDelta), "Start.Group + End Group Delta exceeds 2^64 - 1.");
        return new LocationFilter(LocationFilterType.AbsoluteRange, start, endGroupDelta);
    }

    internal int GetEncodedLength()
    {
        int length = Vi64.GetEncodedLength((ulong)Type);
        if (Start is { } start)
            length += WireLimits.Location(start);
        if (EndGroupDelta is { } delta)
            length += Vi64.GetEncodedLength(delta);
        return length;
    }

    internal void Write(ref MoqtSpanWriter writer)
    {
        writer.WriteVi64((ulong)Type);
        if (Start is { } start)
            writer.WriteLocation(start);
        if (EndGroupDelta is { } delta)
            writer.WriteVi64(delta);
    }

    internal static LocationFilter Read(ReadOnlySpan<byte> bytes)
    {
        var reader = new MoqtBodyReader(bytes);
        ulong type = reader.ReadVi64();
        LocationFilter filter;
        switch ((LocationFilterType)type)
        {
            case LocationFilterType.NextGroupStart:
                filter = NextGroupStart;
                break;
            case LocationFilterType.LargestObject:
                filter = LargestObject;
                break;
            case LocationFilterType.AbsoluteStart:
                filter = AbsoluteStart(reader.ReadLocation());
                break;
            case LocationFilterType.AbsoluteRange:
                {
                    Location start = reader.ReadLocation();
                    ulong delta = reader.ReadVi64();
                    if (delta > ulong.MaxValue - start.Group)
                        ThrowHelper.ProtocolViolation("AbsoluteRange end group exceeds 2^64 - 1");
                    filter = AbsoluteRange(start, delta);
                    break;
                }

            default:
                throw new MoqtProtocolException(MoqtErrorCode.ProtocolViolation, $"unknown Location Filter Type {type}");
        }

        reader.ExpectEnd("LOCATION_FILTER");
        return filter;
    }
}
