using System.Buffers.Binary;
using MoqLive.Transport.Encoding;

namespace MoqLive.Quic.Packets;

/// <summary>
/// Writes unprotected Initial/0-RTT/Handshake long headers and 1-RTT short headers (RFC 9000 §17.2, §17.3).
/// <para>
/// Send path: write the header (the Length field is reserved with a fixed size) → write frames after
/// <see cref="LongHeaderLayout.HeaderLength"/> → <see cref="FinishLength"/> with the payload length plus the AEAD
/// tag length → encrypt and apply header protection (crypto code). Reserved bits are written as zero.
/// </para>
/// </summary>
internal static class PacketHeaderWriter
{
    /// <summary>Default size of the reserved Length field: 2 bytes covers up to 16383, enough for any UDP MTU in use.</summary>
    public const int DefaultLengthFieldSize = 2;

    /// <summary>Bytes a long header takes, including packet number.</summary>
    public static int GetLongHeaderLength(
        PacketType type, ConnectionId destination, ConnectionId source, int tokenLength, int packetNumberLength,
        int lengthFieldSize = DefaultLengthFieldSize) =>
        7 + destination.Length + source.Length
        + (type == PacketType.Initial ? QuicVarInt.GetEncodedLength((ulong)tokenLength) + tokenLength : 0)
        + lengthFieldSize + packetNumberLength;

    /// <summary>
    /// Writes an Initial, 0-RTT or Handshake header with the Length field left for <see cref="FinishLength"/>.
    /// <paramref name="token"/> is only written for Initial packets (empty for servers and clients without one).
    /// </summary>
    public static LongHeaderLayout WriteLongHeader(
        Span<byte> destination, PacketType type, uint version, ConnectionId destinationConnectionId,
        ConnectionId sourceConnectionId, ReadOnlySpan<byte> token, ulong packetNumber, int packetNumberLength,
        int lengthFieldSize = DefaultLengthFieldSize)
    {
        if (type is not (PacketType.Initial or PacketType.ZeroRtt or PacketType.Handshake))
            throw new ArgumentOutOfRangeException(nameof(type), type, "Only Initial, 0-RTT and Handshake packets have a Length field.");
        if (!token.IsEmpty && type != PacketType.Initial)
            throw new ArgumentException("Only Initial packets carry a token.", nameof(token));
        ArgumentOutOfRangeException.ThrowIfLessThan(packetNumberLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(packetNumberLength, 4);

        destination[0] = (byte)(PacketInvariants.HeaderFormBit | PacketInvariants.FixedBit | ((int)type << 4) | (packetNumberLength - 1));
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], version);
        int offset = 5;
        destination[offset++] = (byte)destinationConnectionId.Length;
        offset += destinationConnectionId.CopyTo(destination[offset..]);
        destination[offset++] = (byte)sourceConnectionId.Length;
        offset += sourceConnectionId.CopyTo(destination[offset..]);
        if (type == PacketType.Initial)
        {
            offset += QuicVarInt.Write(destination[offset..], (ulong)token.Length);
            token.CopyTo(destination[offset..]);
            offset += token.Length;
        }

        int lengthOffset = offset;
        // Placeholder; FinishLength overwrites it.
        QuicVarInt.Write(destination[offset..], 0, lengthFieldSize);
        offset += lengthFieldSize;
        PacketNumber.Write(destination[offset..], packetNumber, packetNumberLength);
        return new LongHeaderLayout(lengthOffset, lengthFieldSize, offset, packetNumberLength);
    }

    /// <summary>
    /// Fills the Length field: packet number + <paramref name="payloadLengthIncludingTag"/> (frames plus AEAD tag).
    /// Throws when it does not fit the reserved size.
    /// </summary>
    public static void FinishLength(Span<byte> packet, LongHeaderLayout layout, int payloadLengthIncludingTag) =>
        QuicVarInt.Write(packet[layout.LengthOffset..], (ulong)(layout.PacketNumberLength + payloadLengthIncludingTag), layout.LengthFieldSize);

    /// <summary>Bytes a short header takes, including packet number.</summary>
    public static int GetShortHeaderLength(ConnectionId destination, int packetNumberLength) =>
        1 + destination.Length + packetNumberLength;

    /// <summary>Writes a 1-RTT short header; returns the header length (= payload offset).</summary>
    public static int WriteShortHeader(
        Span<byte> destination, ConnectionId destinationConnectionId, ulong packetNumber, int packetNumberLength,
        bool keyPhase, bool spinBit = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(packetNumberLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(packetNumberLength, 4);
        destination[0] = (byte)(PacketInvariants.FixedBit | (spinBit ? PacketHeader.SpinBit : 0)
            | (keyPhase ? PacketHeader.KeyPhaseBit : 0) | (packetNumberLength - 1));
        int offset = 1 + destinationConnectionId.CopyTo(destination[1..]);
        return offset + PacketNumber.Write(destination[offset..], packetNumber, packetNumberLength);
    }
}
