using MoqLive.Moqt.Model;

namespace MoqLive.Moqt.Wire;

/// <summary>
/// OBJECT_DATAGRAM (draft-ietf-moq-transport-19 §"Object Datagram"): Type, Track Alias, Group ID, [Object ID],
/// [Publisher Priority (8)], [Properties], [Object Status], [Object Payload]. Type bits: PROPERTIES (0x01),
/// END_OF_GROUP (0x02), ZERO_OBJECT_ID (0x04, Object ID omitted and 0), DEFAULT_PRIORITY (0x08, priority
/// omitted) and STATUS (0x20, a status instead of a payload). The payload is the rest of the datagram; the
/// decoder slices it from the input without copying.
/// </summary>
public sealed record ObjectDatagram
{
    public required ulong TrackAlias { get; init; }

    public required ulong GroupId { get; init; }

    public ulong ObjectId { get; init; }

    /// <summary>Publisher Priority, or null for DEFAULT_PRIORITY.</summary>
    public byte? PublisherPriority { get; init; }

    /// <summary>Object Properties; a PROPERTIES datagram must carry at least one byte of them.</summary>
    public IReadOnlyList<MoqtKeyValuePair> Properties { get; init; } = [];

    /// <summary>No object with this Group ID and a larger Object ID exists. Not allowed with <see cref="Status"/>.</summary>
    public bool EndOfGroup { get; init; }

    /// <summary>Set for the STATUS form (no payload); null for a payload datagram.</summary>
    public ObjectStatus? Status { get; init; }

    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>The datagram type value these fields give.</summary>
    public ulong DatagramType =>
        (Properties.Count > 0 ? 0x01UL : 0) | (EndOfGroup ? 0x02UL : 0) | (ObjectId == 0 ? 0x04UL : 0) |
        (PublisherPriority is null ? 0x08UL : 0) | (Status is null ? 0 : 0x20UL);

    /// <summary>True for a valid OBJECT_DATAGRAM type (0x00–0x0F, 0x20/21/24/25/28/29/2C/2D).</summary>
    public static bool IsObjectDatagramType(ulong type) => type <= 0x0F || (type is >= 0x20 and <= 0x2F && (type & 0x02) == 0);

    private void Validate()
    {
        if (Status is { } status)
        {
            if (EndOfGroup)
                throw new InvalidOperationException("A STATUS datagram cannot signal End of Group.");
            if (!Payload.IsEmpty)
                throw new InvalidOperationException("A STATUS datagram has no payload.");
            if (Properties.Count > 0 && status != ObjectStatus.Normal)
                throw new InvalidOperationException("Only Normal objects carry Properties.");
        }
    }

    public int GetEncodedLength()
    {
        Validate();
        return Vi64.GetEncodedLength(DatagramType) + Vi64.GetEncodedLength(TrackAlias) + Vi64.GetEncodedLength(GroupId) +
            (ObjectId == 0 ? 0 : Vi64.GetEncodedLength(ObjectId)) + (PublisherPriority is null ? 0 : 1) +
            (Properties.Count > 0 ? ObjectPropertiesCodec.GetEncodedLength(Properties) : 0) +
            (Status is { } s ? Vi64.GetEncodedLength((ulong)s) : Payload.Length);
    }

    /// <summary>Writes the whole datagram; returns the bytes written.</summary>
    public int Write(Span<byte> destination)
    {
        int length = GetEncodedLength();
        var writer = new MoqtSpanWriter(destination[..length]);
        writer.WriteVi64(DatagramType);
        writer.WriteVi64(TrackAlias);
        writer.WriteVi64(GroupId);
        if (ObjectId != 0)
            writer.WriteVi64(ObjectId);
        if (PublisherPriority is { } priority)
            writer.WriteByte(priority);
        if (Properties.Count > 0)
            ObjectPropertiesCodec.Write(ref writer, Properties);
        if (Status is { } status)
            writer.WriteVi64((ulong)status);
        else
            writer.WriteBytes(Payload.Span);
        return writer.Position;
    }

    public byte[] ToArray()
    {
        var bytes = new byte[GetEncodedLength()];
        Write(bytes);
        return bytes;
    }

    /// <summary>
    /// Decodes a received datagram. Returns null for a padding datagram (to be discarded); anything malformed,
    /// truncated or of an unknown type is a PROTOCOL_VIOLATION. <see cref="Payload"/> aliases <paramref name="datagram"/>.
    /// </summary>
    public static ObjectDatagram? Read(ReadOnlyMemory<byte> datagram)
    {
        var reader = new MoqtBodyReader(datagram.Span);
        ulong type = reader.ReadVi64();
        if (type == MoqtStreamType.PaddingDatagram)
            return null;
        if (!IsObjectDatagramType(type))
            ThrowHelper.ProtocolViolation($"unknown or invalid datagram type 0x{type:x}");

        ulong alias = reader.ReadVi64();
        ulong group = reader.ReadVi64();
        ulong objectId = (type & 0x04) != 0 ? 0 : reader.ReadVi64();
        byte? priority = (type & 0x08) != 0 ? null : reader.ReadByte();
        IReadOnlyList<MoqtKeyValuePair> properties = [];
        if ((type & 0x01) != 0)
        {
            ulong propertiesLength = reader.ReadVi64();
            if (propertiesLength == 0)
                ThrowHelper.ProtocolViolation("PROPERTIES datagram with Properties Length 0");
            if (propertiesLength > (ulong)reader.Remaining)
                ThrowHelper.ProtocolViolation("Properties Length runs past the end of the datagram");
            var inner = new MoqtBodyReader(reader.ReadBytes((int)propertiesLength));
            properties = KeyValuePairCodec.ReadToEnd(ref inner);
        }

        ObjectStatus? status = null;
        ReadOnlyMemory<byte> payload = ReadOnlyMemory<byte>.Empty;
        if ((type & 0x20) != 0)
        {
            status = ObjectStatuses.Parse(reader.ReadVi64());
            if (status != ObjectStatus.Normal && properties.Count > 0)
                ThrowHelper.ProtocolViolation("Properties on a datagram whose status is not Normal");
            reader.ExpectEnd("OBJECT_DATAGRAM status");
        }
        else
        {
            payload = datagram[reader.Position..];
        }

        return new ObjectDatagram
        {
            TrackAlias = alias,
            GroupId = group,
            ObjectId = objectId,
            PublisherPriority = priority,
            Properties = properties,
            EndOfGroup = (type & 0x02) != 0,
            Status = status,
            Payload = payload,
        };
    }

    public bool Equals(ObjectDatagram? other) =>
        other is not null && TrackAlias == other.TrackAlias && GroupId == other.GroupId && ObjectId == other.ObjectId &&
        PublisherPriority == other.PublisherPriority && Properties.SequenceEqual(other.Properties) &&
        EndOfGroup == other.EndOfGroup && Status == other.Status && Payload.Span.SequenceEqual(other.Payload.Span);

    public override int GetHashCode() => HashCode.Combine(TrackAlias, GroupId, ObjectId);
}
