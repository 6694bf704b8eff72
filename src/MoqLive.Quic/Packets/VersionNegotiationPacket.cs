using System.Buffers.Binary;

namespace MoqLive.Quic.Packets;

/// <summary>Version Negotiation packets (RFC 9000 §17.2.1, §6; RFC 8999 §6).</summary>
internal static class VersionNegotiationPacket
{
    /// <summary>Encoded length of a Version Negotiation packet.</summary>
    public static int GetLength(int destinationLength, int sourceLength, int versionCount) =>
        7 + destinationLength + sourceLength + 4 * versionCount;

    /// <summary>
    /// Writes a Version Negotiation packet. <paramref name="unusedBits"/> fills the 7 unused first-byte bits (should
    /// be random; RFC 9000 §17.2.1 suggests setting 0x40 so it survives middleboxes that check the fixed bit).
    /// </summary>
    public static int Write(
        Span<byte> destination, ReadOnlySpan<byte> destinationConnectionId, ReadOnlySpan<byte> sourceConnectionId,
        ReadOnlySpan<uint> supportedVersions, byte unusedBits)
    {
        destination[0] = (byte)(PacketInvariants.HeaderFormBit | unusedBits);
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], QuicVersion.Negotiation);
        int offset = 5;
        destination[offset++] = (byte)destinationConnectionId.Length;
        destinationConnectionId.CopyTo(destination[offset..]);
        offset += destinationConnectionId.Length;
        destination[offset++] = (byte)sourceConnectionId.Length;
        sourceConnectionId.CopyTo(destination[offset..]);
        offset += sourceConnectionId.Length;
        foreach (uint version in supportedVersions)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], version);
            offset += 4;
        }

        return offset;
    }

    /// <summary>
    /// Builds the reply to a long-header datagram whose version we do not support: the connection IDs are swapped
    /// (RFC 9000 §6.1, §17.2.1). Returns false (send nothing) when the datagram is not a long header, already has a
    /// supported version or is a Version Negotiation packet, is shorter than 1200 bytes (§6.1: a server MAY ignore
    /// those; avoids amplification), or <paramref name="destination"/> is too small.
    /// </summary>
    public static bool TryWriteResponse(
        ReadOnlySpan<byte> receivedDatagram, ReadOnlySpan<uint> supportedVersions, byte unusedBits, Span<byte> destination,
        out int bytesWritten)
    {
        bytesWritten = 0;
        if (receivedDatagram.Length < 1200
            || !PacketInvariants.TryParseLongHeader(receivedDatagram, out uint version, out var dcid, out var scid, out _)
            || version == QuicVersion.Negotiation
            || supportedVersions.Contains(version))
            return false;
        if (destination.Length < GetLength(scid.Length, dcid.Length, supportedVersions.Length))
            return false;
        bytesWritten = Write(destination, scid, dcid, supportedVersions, unusedBits);
        return true;
    }

    /// <summary>
    /// Reads a Version Negotiation packet: the connection IDs and the Supported Version list (4 bytes each).
    /// False when it is not a well-formed Version Negotiation packet.
    /// </summary>
    public static bool TryParse(
        ReadOnlySpan<byte> datagram, out ReadOnlySpan<byte> destinationConnectionId, out ReadOnlySpan<byte> sourceConnectionId,
        out ReadOnlySpan<byte> supportedVersions)
    {
        supportedVersions = default;
        if (!PacketInvariants.TryParseLongHeader(datagram, out uint version, out destinationConnectionId, out sourceConnectionId, out int headerLength)
            || version != QuicVersion.Negotiation
            || (datagram.Length - headerLength) % 4 != 0)
            return false;
        supportedVersions = datagram[headerLength..];
        return true;
    }

    /// <summary>True when the Supported Version list contains <paramref name="version"/>.</summary>
    public static bool Contains(ReadOnlySpan<byte> supportedVersions, uint version)
    {
        for (int i = 0; i + 4 <= supportedVersions.Length; i += 4)
        {
            if (BinaryPrimitives.ReadUInt32BigEndian(supportedVersions[i..]) == version)
                return true;
        }

        return false;
    }

    /// <summary>Version at <paramref name="index"/> in the Supported Version list.</summary>
    public static uint GetVersion(ReadOnlySpan<byte> supportedVersions, int index) =>
        BinaryPrimitives.ReadUInt32BigEndian(supportedVersions.Slice(index * 4, 4));
}
