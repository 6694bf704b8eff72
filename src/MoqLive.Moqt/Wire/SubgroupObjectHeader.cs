using System.Buffers;
using MoqLive.Moqt.Model;

namespace MoqLive.Moqt.Wire;

/// <summary>
/// The fields of one object on a subgroup stream, before its payload (draft-ietf-moq-transport-19 §"Subgroup
/// Header"): Object ID Delta, [Properties], Object Payload Length, [Object Status when the length is 0]. The
/// payload (<see cref="PayloadLength"/> bytes) follows and is read or written by the caller, so payloads are
/// never copied by the codec.
/// </summary>
/// <param name="ObjectId">The absolute Object ID (delta-encoded on the wire).</param>
/// <param name="Properties">Object Properties; must be empty unless the status is Normal.</param>
/// <param name="PayloadLength">Payload bytes that follow.</param>
/// <param name="Status">Normal for any object with a payload; zero-length objects carry an explicit status.</param>
public readonly record struct SubgroupObjectHeader(ulong ObjectId, IReadOnlyList<MoqtKeyValuePair> Properties, ulong PayloadLength, ObjectStatus Status)
{
    /// <summary>A Normal object with a payload of <paramref name="payloadLength"/> bytes.</summary>
    public static SubgroupObjectHeader ForPayload(ulong objectId, ulong payloadLength, IReadOnlyList<MoqtKeyValuePair>? properties = null) =>
        new(objectId, properties ?? [], payloadLength, ObjectStatus.Normal);

    /// <summary>A status object (End of Group / End of Track) with no payload.</summary>
    public static SubgroupObjectHeader ForStatus(ulong objectId, ObjectStatus status) => new(objectId, [], 0, status);

    private ulong Delta(ulong? previousObjectId)
    {
        if (previousObjectId is not { } previous)
            return ObjectId;
        if (ObjectId <= previous)
            throw new ArgumentException("Object IDs on a subgroup stream must increase.", nameof(previousObjectId));
        return ObjectId - previous - 1;
    }

    private void Validate(SubgroupHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (PayloadLength != 0 && Status != ObjectStatus.Normal)
            throw new InvalidOperationException("Only Normal objects carry a payload.");
        if (Properties.Count > 0 && (!header.HasProperties || Status != ObjectStatus.Normal))
            throw new InvalidOperationException("Properties need the PROPERTIES header bit and a Normal status.");
    }

    /// <summary>Encoded length of the object fields (not the payload).</summary>
    /// <param name="header">The stream's header (whether a Properties field is present).</param>
    /// <param name="previousObjectId">The previous object's ID on this stream, or null for the first.</param>
    public int GetEncodedLength(SubgroupHeader header, ulong? previousObjectId)
    {
        Validate(header);
        return Vi64.GetEncodedLength(Delta(previousObjectId)) +
            (header.HasProperties ? ObjectPropertiesCodec.GetEncodedLength(Properties) : 0) +
            Vi64.GetEncodedLength(PayloadLength) + (PayloadLength == 0 ? Vi64.GetEncodedLength((ulong)Status) : 0);
    }

    /// <summary>Writes the object fields (not the payload); returns the bytes written.</summary>
    public int Write(Span<byte> destination, SubgroupHeader header, ulong? previousObjectId)
    {
        int length = GetEncodedLength(header, previousObjectId);
        var writer = new MoqtSpanWriter(destination[..length]);
        writer.WriteVi64(Delta(previousObjectId));
        if (header.HasProperties)
            ObjectPropertiesCodec.Write(ref writer, Properties);
        writer.WriteVi64(PayloadLength);
        if (PayloadLength == 0)
            writer.WriteVi64((ulong)Status);
        return writer.Position;
    }

    /// <summary>
    /// Reads the object fields (not the payload). False (reader unchanged) when more bytes are needed.
    /// </summary>
    public static bool TryRead(ref SequenceReader<byte> reader, SubgroupHeader header, ulong? previousObjectId, out SubgroupObjectHeader objectHeader)
    {
        ArgumentNullException.ThrowIfNull(header);
        objectHeader = default;
        SequenceReader<byte> start = reader;
        if (!Vi64.TryRead(ref reader, out ulong delta))
            return Rewind(ref reader, start);

        ulong objectId = delta;
        if (previousObjectId is { } previous)
        {
            // draft-19: Object ID = previous + delta + 1; overflow past 2^64 - 1 is a PROTOCOL_VIOLATION.
            if (previous == ulong.MaxValue || delta > ulong.MaxValue - previous - 1)
                ThrowHelper.ProtocolViolation("Object ID Delta overflows 2^64 - 1");
            objectId = previous + delta + 1;
        }

        IReadOnlyList<MoqtKeyValuePair> properties = [];
        if (header.HasProperties && !ObjectPropertiesCodec.TryRead(ref reader, out properties))
            return Rewind(ref reader, start);

        if (!Vi64.TryRead(ref reader, out ulong payloadLength))
            return Rewind(ref reader, start);

        ObjectStatus status = ObjectStatus.Normal;
        if (payloadLength == 0)
        {
            if (!Vi64.TryRead(ref reader, out ulong rawStatus))
                return Rewind(ref reader, start);
            status = ObjectStatuses.Parse(rawStatus);
            if (status != ObjectStatus.Normal && properties.Count > 0)
                ThrowHelper.ProtocolViolation("Object Properties on an object whose status is not Normal");
        }

        objectHeader = new SubgroupObjectHeader(objectId, properties, payloadLength, status);
        return true;
    }

    /// <summary>
    /// Reads the object fields and its whole payload. The payload is a slice of the input (not copied); it is
    /// valid as long as the caller keeps the underlying buffer. False (reader unchanged) when incomplete.
    /// </summary>
    public static bool TryReadWithPayload(ref SequenceReader<byte> reader, SubgroupHeader header, ulong? previousObjectId,
        out SubgroupObjectHeader objectHeader, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        SequenceReader<byte> start = reader;
        if (!TryRead(ref reader, header, previousObjectId, out objectHeader))
            return false;
        if ((ulong)reader.Remaining < objectHeader.PayloadLength)
        {
            reader = start;
            return false;
        }

        payload = reader.UnreadSequence.Slice(0, (long)objectHeader.PayloadLength);
        reader.Advance((long)objectHeader.PayloadLength);
        return true;
    }

    private static bool Rewind(ref SequenceReader<byte> reader, SequenceReader<byte> start)
    {
        reader = start;
        return false;
    }

    public bool Equals(SubgroupObjectHeader other) =>
        ObjectId == other.ObjectId && PayloadLength == other.PayloadLength && Status == other.Status &&
        Properties.SequenceEqual(other.Properties);

    public override int GetHashCode() => HashCode.Combine(ObjectId, PayloadLength, Status);
}
