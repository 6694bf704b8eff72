using System.Buffers.Binary;

namespace MoqLive.Quic.Packets;

/// <summary>
/// Version-independent packet properties (RFC 8999 §5), readable without keys: used by the endpoint to route a
/// datagram to its connection and to decide whether to send Version Negotiation.
/// </summary>
internal static class PacketInvariants
{
    /// <summary>Header Form bit: 1 for long headers.</summary>
    public const byte HeaderFormBit = 0x80;

    /// <summary>Fixed bit (RFC 9000 §17.2/§17.3): 1 in every v1 packet except Version Negotiation.</summary>
    public const byte FixedBit = 0x40;

    /// <summary>RFC 8999 §5.1: long header connection IDs may be up to 255 bytes in other versions.</summary>
    public const int MaxInvariantConnectionIdLength = 255;

    public static bool IsLongHeader(byte firstByte) => (firstByte & HeaderFormBit) != 0;

    /// <summary>
    /// Reads the invariant fields of a long header: version, DCID and SCID (any length up to 255). False when
    /// <paramref name="datagram"/> is not a complete long header.
    /// </summary>
    public static bool TryParseLongHeader(
        ReadOnlySpan<byte> datagram, out uint version, out ReadOnlySpan<byte> destinationConnectionId,
        out ReadOnlySpan<byte> sourceConnectionId, out int headerLength)
    {
        version = 0;
        destinationConnectionId = default;
        sourceConnectionId = default;
        headerLength = 0;
        if (datagram.Length < 7 || !IsLongHeader(datagram[0]))
            return false;

        version = BinaryPrimitives.ReadUInt32BigEndian(datagram[1..]);
        int offset = 5;
        int dcidLength = datagram[offset++];
        if (datagram.Length < offset + dcidLength + 1)
            return false;
        destinationConnectionId = datagram.Slice(offset, dcidLength);
        offset += dcidLength;
        int scidLength = datagram[offset++];
        if (datagram.Length < offset + scidLength)
            return false;
        sourceConnectionId = datagram.Slice(offset, scidLength);
        headerLength = offset + scidLength;
        return true;
    }

    /// <summary>
    /// The Destination Connection ID of the first packet in a datagram: from the long header, or the
    /// <paramref name="shortHeaderConnectionIdLength"/> bytes after the first byte of a short header.
    /// </summary>
    public static bool TryGetDestinationConnectionId(
        ReadOnlySpan<byte> datagram, int shortHeaderConnectionIdLength, out ReadOnlySpan<byte> destinationConnectionId)
    {
        destinationConnectionId = default;
        if (datagram.IsEmpty)
            return false;
        if (IsLongHeader(datagram[0]))
            return TryParseLongHeader(datagram, out _, out destinationConnectionId, out _, out _);
        if (datagram.Length < 1 + shortHeaderConnectionIdLength)
            return false;
        destinationConnectionId = datagram.Slice(1, shortHeaderConnectionIdLength);
        return true;
    }
}
