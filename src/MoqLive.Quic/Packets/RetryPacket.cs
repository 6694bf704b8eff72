using System.Buffers.Binary;

namespace MoqLive.Quic.Packets;

/// <summary>Computes the 16-byte Retry Integrity Tag over a Retry pseudo-packet (RFC 9001 §5.8); crypto code supplies it.</summary>
internal delegate void RetryIntegrityTagComputer(ReadOnlySpan<byte> pseudoPacket, Span<byte> tag);

/// <summary>Retry packets (RFC 9000 §17.2.5) and the Retry pseudo-packet (RFC 9001 §5.8).</summary>
internal static class RetryPacket
{
    /// <summary>Length of the Retry packet up to (not including) the integrity tag.</summary>
    public static int GetLengthWithoutTag(ConnectionId destination, ConnectionId source, int tokenLength) =>
        7 + destination.Length + source.Length + tokenLength;

    /// <summary>Full length including the 16-byte tag.</summary>
    public static int GetLength(ConnectionId destination, ConnectionId source, int tokenLength) =>
        GetLengthWithoutTag(destination, source, tokenLength) + PacketHeader.RetryIntegrityTagLength;

    /// <summary>
    /// Writes the Retry packet without its tag; returns the offset where the 16-byte tag goes.
    /// <paramref name="unusedBits"/>: the low 4 bits of the first byte (should be random).
    /// </summary>
    public static int WriteWithoutTag(
        Span<byte> destination, uint version, ConnectionId destinationConnectionId, ConnectionId sourceConnectionId,
        ReadOnlySpan<byte> retryToken, byte unusedBits)
    {
        if (retryToken.IsEmpty)
            throw new ArgumentException("A Retry token cannot be empty (RFC 9000 §17.2.5.2).", nameof(retryToken));
        destination[0] = (byte)(0xf0 | (unusedBits & 0x0f));
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], version);
        int offset = 5;
        destination[offset++] = (byte)destinationConnectionId.Length;
        offset += destinationConnectionId.CopyTo(destination[offset..]);
        destination[offset++] = (byte)sourceConnectionId.Length;
        offset += sourceConnectionId.CopyTo(destination[offset..]);
        retryToken.CopyTo(destination[offset..]);
        return offset + retryToken.Length;
    }

    /// <summary>Length of the pseudo-packet for <paramref name="retryWithoutTagLength"/> bytes of Retry packet.</summary>
    public static int GetPseudoPacketLength(ConnectionId originalDestinationConnectionId, int retryWithoutTagLength) =>
        1 + originalDestinationConnectionId.Length + retryWithoutTagLength;

    /// <summary>
    /// Writes the Retry pseudo-packet (RFC 9001 §5.8): ODCID Length, Original Destination Connection ID, then the
    /// Retry packet without its tag. This is the AEAD associated data for the integrity tag.
    /// </summary>
    public static int WritePseudoPacket(Span<byte> destination, ConnectionId originalDestinationConnectionId, ReadOnlySpan<byte> retryWithoutTag)
    {
        destination[0] = (byte)originalDestinationConnectionId.Length;
        int offset = 1 + originalDestinationConnectionId.CopyTo(destination[1..]);
        retryWithoutTag.CopyTo(destination[offset..]);
        return offset + retryWithoutTag.Length;
    }

    /// <summary>Writes a complete Retry packet, computing the tag with <paramref name="computeTag"/>; returns its length.</summary>
    public static int Write(
        Span<byte> destination, uint version, ConnectionId destinationConnectionId, ConnectionId sourceConnectionId,
        ReadOnlySpan<byte> retryToken, byte unusedBits, ConnectionId originalDestinationConnectionId,
        RetryIntegrityTagComputer computeTag)
    {
        int tagOffset = WriteWithoutTag(destination, version, destinationConnectionId, sourceConnectionId, retryToken, unusedBits);
        var pseudo = new byte[GetPseudoPacketLength(originalDestinationConnectionId, tagOffset)];
        WritePseudoPacket(pseudo, originalDestinationConnectionId, destination[..tagOffset]);
        computeTag(pseudo, destination.Slice(tagOffset, PacketHeader.RetryIntegrityTagLength));
        return tagOffset + PacketHeader.RetryIntegrityTagLength;
    }

    /// <summary>
    /// Client side: true when the tag at the end of <paramref name="retryPacket"/> matches the one computed for
    /// <paramref name="originalDestinationConnectionId"/> (compared in constant time).
    /// </summary>
    public static bool VerifyIntegrityTag(
        ReadOnlySpan<byte> retryPacket, ConnectionId originalDestinationConnectionId, RetryIntegrityTagComputer computeTag)
    {
        if (retryPacket.Length < PacketHeader.RetryIntegrityTagLength + 7)
            return false;
        int tagOffset = retryPacket.Length - PacketHeader.RetryIntegrityTagLength;
        var pseudo = new byte[GetPseudoPacketLength(originalDestinationConnectionId, tagOffset)];
        WritePseudoPacket(pseudo, originalDestinationConnectionId, retryPacket[..tagOffset]);
        Span<byte> expected = stackalloc byte[PacketHeader.RetryIntegrityTagLength];
        computeTag(pseudo, expected);
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(expected, retryPacket[tagOffset..]);
    }
}
