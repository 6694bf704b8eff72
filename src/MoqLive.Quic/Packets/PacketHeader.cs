using System.Buffers.Binary;
using MoqLive.Transport.Encoding;

namespace MoqLive.Quic.Packets;

/// <summary>
/// The header of one QUIC v1 packet as read before header protection is removed (RFC 9000 §17). Offsets are
/// relative to the start of the packet, so the caller can remove header protection in its own mutable buffer.
/// <para>
/// Receive path: <see cref="TryParse"/> (or <see cref="CoalescedPacketReader"/>) → remove header protection
/// (crypto code; the sample starts at <see cref="PacketNumberOffset"/> + 4) → <see cref="GetPacketNumberLength"/>
/// on the unprotected first byte → <see cref="PacketNumber.ReadTruncated"/> and <see cref="PacketNumber.Decode"/>
/// → decrypt bytes [PacketNumberOffset + pnLength, <see cref="PacketLength"/>) with the header as associated
/// data → <see cref="CheckReservedBits"/> → <c>FrameReader</c> over the plaintext.
/// </para>
/// </summary>
internal readonly struct PacketHeader
{
    /// <summary>Long header Reserved Bits (RFC 9000 §17.2), zero after header protection is removed.</summary>
    public const byte LongReservedBits = 0x0c;

    /// <summary>Short header Reserved Bits (RFC 9000 §17.3.1).</summary>
    public const byte ShortReservedBits = 0x18;

    /// <summary>Short header Spin Bit (RFC 9000 §17.4).</summary>
    public const byte SpinBit = 0x20;

    /// <summary>Short header Key Phase bit (RFC 9000 §17.3.1); protected by header protection.</summary>
    public const byte KeyPhaseBit = 0x04;

    /// <summary>Packet Number Length bits (protected).</summary>
    public const byte PacketNumberLengthMask = 0x03;

    /// <summary>
    /// Header protection sample length (RFC 9001 §5.4.2): 16 bytes starting 4 bytes after the packet number offset,
    /// for every v1 AEAD.
    /// </summary>
    public const int HeaderProtectionSampleLength = 16;

    /// <summary>Length of the Retry Integrity Tag (RFC 9001 §5.8).</summary>
    public const int RetryIntegrityTagLength = 16;

    public PacketType Type { get; init; }

    /// <summary>First byte as received (still header-protected for Initial/0-RTT/Handshake/1-RTT).</summary>
    public byte FirstByte { get; init; }

    /// <summary>Version field; 1 for short headers.</summary>
    public uint Version { get; init; }

    public ConnectionId DestinationConnectionId { get; init; }

    /// <summary>Long headers only; empty for short headers.</summary>
    public ConnectionId SourceConnectionId { get; init; }

    /// <summary>Initial: offset of the token; Retry: offset of the Retry Token.</summary>
    public int TokenOffset { get; init; }

    /// <summary>Initial token / Retry token length (0 when absent).</summary>
    public int TokenLength { get; init; }

    /// <summary>Offset of the (protected) packet number; for Retry and Version Negotiation, the end of the header.</summary>
    public int PacketNumberOffset { get; init; }

    /// <summary>
    /// Bytes from the start of the packet to the end of its payload: header + Length for long headers, the rest of
    /// the datagram for short headers, Retry and Version Negotiation.
    /// </summary>
    public int PacketLength { get; init; }

    public bool IsLongHeader => Type != PacketType.OneRtt;

    /// <summary>Packet types that carry a packet number and encrypted payload.</summary>
    public bool HasPacketNumber => Type is PacketType.Initial or PacketType.ZeroRtt or PacketType.Handshake or PacketType.OneRtt;

    /// <summary>Offset of the header protection sample (RFC 9001 §5.4.2).</summary>
    public int SampleOffset => PacketNumberOffset + 4;

    /// <summary>The Initial token or Retry token in <paramref name="packet"/>.</summary>
    public ReadOnlySpan<byte> GetToken(ReadOnlySpan<byte> packet) => packet.Slice(TokenOffset, TokenLength);

    /// <summary>Packet number length (1-4) from the first byte after header protection removal.</summary>
    public static int GetPacketNumberLength(byte unprotectedFirstByte) => (unprotectedFirstByte & PacketNumberLengthMask) + 1;

    /// <summary>Key Phase of a short header after header protection removal.</summary>
    public static bool GetKeyPhase(byte unprotectedFirstByte) => (unprotectedFirstByte & KeyPhaseBit) != 0;

    /// <summary>
    /// RFC 9000 §17.2/§17.3.1: non-zero Reserved Bits after removing header and packet protection are a
    /// PROTOCOL_VIOLATION. Call only after the packet decrypted successfully.
    /// </summary>
    public static void CheckReservedBits(byte unprotectedFirstByte, bool isLongHeader)
    {
        byte reserved = isLongHeader ? LongReservedBits : ShortReservedBits;
        if ((unprotectedFirstByte & reserved) != 0)
            throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, null, "Reserved header bits are set.");
    }

    /// <summary>
    /// Parses the header of the packet at the start of <paramref name="datagram"/>. Returns false when the packet
    /// must be dropped: truncated, fixed bit clear, v1 connection ID over 20 bytes, Length beyond the datagram,
    /// unsupported version (use <see cref="PacketInvariants"/> and <see cref="VersionNegotiationPacket"/> for those),
    /// a Retry without token/tag, or a protected packet too short for the header protection sample (RFC 9001
    /// §5.4.2). Never throws on malformed input. <paramref name="allowClearFixedBit"/>: we advertised
    /// grease_quic_bit (RFC 9287), so the peer may clear the fixed bit.
    /// </summary>
    public static bool TryParse(
        ReadOnlySpan<byte> datagram, int shortHeaderConnectionIdLength, out PacketHeader header, bool allowClearFixedBit = false)
    {
        header = default;
        if (datagram.IsEmpty)
            return false;
        byte first = datagram[0];
        if (!PacketInvariants.IsLongHeader(first))
            return TryParseShort(datagram, shortHeaderConnectionIdLength, allowClearFixedBit, out header);

        if (datagram.Length < 7)
            return false;
        uint version = BinaryPrimitives.ReadUInt32BigEndian(datagram[1..]);
        if (version == QuicVersion.Negotiation)
            return TryParseVersionNegotiation(datagram, out header);
        if (!QuicVersion.IsSupported(version))
            return false;

        // RFC 9000 §17.2: packets with the fixed bit clear are not valid in v1 and are discarded.
        if ((first & PacketInvariants.FixedBit) == 0 && !allowClearFixedBit)
            return false;

        int offset = 5;
        if (!TryReadConnectionId(datagram, ref offset, out var dcid) || !TryReadConnectionId(datagram, ref offset, out var scid))
            return false;

        var type = (PacketType)((first & 0x30) >> 4);
        int tokenOffset = 0;
        int tokenLength = 0;
        if (type == PacketType.Retry)
        {
            // RFC 9000 §17.2.5: Retry Token runs to the 16-byte integrity tag at the end of the datagram;
            // §17.2.5.2: a client discards a Retry with an empty token.
            tokenOffset = offset;
            tokenLength = datagram.Length - offset - RetryIntegrityTagLength;
            if (tokenLength <= 0)
                return false;
            header = new PacketHeader
            {
                Type = type, FirstByte = first, Version = version, DestinationConnectionId = dcid, SourceConnectionId = scid,
                TokenOffset = tokenOffset, TokenLength = tokenLength, PacketNumberOffset = datagram.Length,
                PacketLength = datagram.Length,
            };
            return true;
        }

        if (type == PacketType.Initial)
        {
            if (!QuicVarInt.TryRead(datagram[offset..], out ulong length, out int n) || length > (ulong)(datagram.Length - offset - n))
                return false;
            offset += n;
            tokenOffset = offset;
            tokenLength = (int)length;
            offset += tokenLength;
        }

        if (!QuicVarInt.TryRead(datagram[offset..], out ulong payloadLength, out int lengthSize))
            return false;
        offset += lengthSize;
        // The Length covers packet number and payload; it must fit in the datagram and reach past the header
        // protection sample.
        if (payloadLength > (ulong)(datagram.Length - offset) || (int)payloadLength < 4 + HeaderProtectionSampleLength)
            return false;

        header = new PacketHeader
        {
            Type = type, FirstByte = first, Version = version, DestinationConnectionId = dcid, SourceConnectionId = scid,
            TokenOffset = tokenOffset, TokenLength = tokenLength, PacketNumberOffset = offset,
            PacketLength = offset + (int)payloadLength,
        };
        return true;
    }

    private static bool TryParseShort(ReadOnlySpan<byte> datagram, int connectionIdLength, bool allowClearFixedBit, out PacketHeader header)
    {
        header = default;
        if ((datagram[0] & PacketInvariants.FixedBit) == 0 && !allowClearFixedBit)
            return false;
        if ((uint)connectionIdLength > ConnectionId.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(connectionIdLength));
        int pnOffset = 1 + connectionIdLength;
        // The header protection sample must fit (RFC 9001 §5.4.2), so short headers are at least 21 bytes with an
        // empty connection ID.
        if (datagram.Length < pnOffset + 4 + HeaderProtectionSampleLength)
            return false;
        header = new PacketHeader
        {
            Type = PacketType.OneRtt, FirstByte = datagram[0], Version = QuicVersion.Version1,
            DestinationConnectionId = new ConnectionId(datagram.Slice(1, connectionIdLength)),
            PacketNumberOffset = pnOffset, PacketLength = datagram.Length,
        };
        return true;
    }

    private static bool TryParseVersionNegotiation(ReadOnlySpan<byte> datagram, out PacketHeader header)
    {
        header = default;
        int offset = 5;
        if (!TryReadConnectionId(datagram, ref offset, out var dcid) || !TryReadConnectionId(datagram, ref offset, out var scid))
            return false;
        if ((datagram.Length - offset) % 4 != 0)
            return false;
        header = new PacketHeader
        {
            Type = PacketType.VersionNegotiation, FirstByte = datagram[0], Version = QuicVersion.Negotiation,
            DestinationConnectionId = dcid, SourceConnectionId = scid, PacketNumberOffset = offset, PacketLength = datagram.Length,
        };
        return true;
    }

    private static bool TryReadConnectionId(ReadOnlySpan<byte> datagram, ref int offset, out ConnectionId connectionId)
    {
        connectionId = default;
        if (offset >= datagram.Length)
            return false;
        int length = datagram[offset];
        // RFC 9000 §17.2: v1 connection IDs are at most 20 bytes; longer ones mean drop.
        if (length > ConnectionId.MaxLength || datagram.Length - offset - 1 < length)
            return false;
        connectionId = new ConnectionId(datagram.Slice(offset + 1, length));
        offset += 1 + length;
        return true;
    }
}
