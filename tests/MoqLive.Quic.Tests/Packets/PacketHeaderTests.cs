using System.Buffers.Binary;
using MoqLive.Quic.Packets;

namespace MoqLive.Quic.Tests.Packets;

public class PacketHeaderTests
{
    private static readonly ConnectionId Dcid = new([0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08]);
    private static readonly ConnectionId Scid = new([1, 2, 3, 4, 5]);

    private static byte[] BuildLong(PacketType type, ReadOnlySpan<byte> token, ulong pn, int pnLength, int payloadLength, out LongHeaderLayout layout)
    {
        int headerLength = PacketHeaderWriter.GetLongHeaderLength(type, Dcid, Scid, token.Length, pnLength);
        var packet = new byte[headerLength + payloadLength];
        layout = PacketHeaderWriter.WriteLongHeader(packet, type, QuicVersion.Version1, Dcid, Scid, token, pn, pnLength);
        Assert.Equal(headerLength, layout.HeaderLength);
        for (int i = layout.HeaderLength; i < packet.Length; i++)
            packet[i] = (byte)i;
        PacketHeaderWriter.FinishLength(packet, layout, payloadLength);
        return packet;
    }

    [Theory]
    [InlineData(PacketType.Initial)]
    [InlineData(PacketType.ZeroRtt)]
    [InlineData(PacketType.Handshake)]
    public void LongHeader_WriteThenParse_RoundTrips(PacketType type)
    {
        byte[] token = type == PacketType.Initial ? [0xaa, 0xbb, 0xcc] : [];
        var packet = BuildLong(type, token, 0x1234, 2, 40, out var layout);

        Assert.True(PacketHeader.TryParse(packet, 8, out var header));
        Assert.Equal(type, header.Type);
        Assert.True(header.IsLongHeader);
        Assert.True(header.HasPacketNumber);
        Assert.Equal(QuicVersion.Version1, header.Version);
        Assert.Equal(Dcid, header.DestinationConnectionId);
        Assert.Equal(Scid, header.SourceConnectionId);
        Assert.Equal(token, header.GetToken(packet).ToArray());
        Assert.Equal(layout.PacketNumberOffset, header.PacketNumberOffset);
        Assert.Equal(packet.Length, header.PacketLength);
        int pnLength = PacketHeader.GetPacketNumberLength(header.FirstByte);
        Assert.Equal(2, pnLength);
        Assert.Equal(0x1234U, PacketNumber.ReadTruncated(packet.AsSpan(header.PacketNumberOffset), pnLength));
        PacketHeader.CheckReservedBits(header.FirstByte, isLongHeader: true);
    }

    [Fact]
    public void ShortHeader_WriteThenParse_RoundTrips()
    {
        var packet = new byte[60];
        int headerLength = PacketHeaderWriter.WriteShortHeader(packet, Dcid, 0xabcdef, 3, keyPhase: true, spinBit: true);
        Assert.Equal(PacketHeaderWriter.GetShortHeaderLength(Dcid, 3), headerLength);

        Assert.True(PacketHeader.TryParse(packet, Dcid.Length, out var header));
        Assert.Equal(PacketType.OneRtt, header.Type);
        Assert.False(header.IsLongHeader);
        Assert.Equal(Dcid, header.DestinationConnectionId);
        Assert.Equal(1 + Dcid.Length, header.PacketNumberOffset);
        Assert.Equal(packet.Length, header.PacketLength);
        Assert.True(PacketHeader.GetKeyPhase(header.FirstByte));
        Assert.NotEqual(0, header.FirstByte & PacketHeader.SpinBit);
        Assert.Equal(3, PacketHeader.GetPacketNumberLength(header.FirstByte));
        Assert.Equal(0xabcdefU, PacketNumber.ReadTruncated(packet.AsSpan(header.PacketNumberOffset), 3));
    }

    [Fact]
    public void TryParse_FixedBitClear_Drops()
    {
        var packet = BuildLong(PacketType.Handshake, [], 1, 1, 30, out _);
        packet[0] &= unchecked((byte)~PacketInvariants.FixedBit);
        Assert.False(PacketHeader.TryParse(packet, 8, out _));
        var shortPacket = new byte[30];
        PacketHeaderWriter.WriteShortHeader(shortPacket, Dcid, 1, 1, false);
        shortPacket[0] &= unchecked((byte)~PacketInvariants.FixedBit);
        Assert.False(PacketHeader.TryParse(shortPacket, 8, out _));
    }

    [Fact]
    public void TryParse_FixedBitClearWithGreaseQuicBit_Accepted()
    {
        var packet = BuildLong(PacketType.Handshake, [], 1, 1, 30, out _);
        packet[0] &= unchecked((byte)~PacketInvariants.FixedBit);
        Assert.True(PacketHeader.TryParse(packet, 8, out var header, allowClearFixedBit: true));
        Assert.Equal(PacketType.Handshake, header.Type);
    }

    [Fact]
    public void TryParse_LengthTooShortForHeaderProtectionSample_Drops()
    {
        var packet = BuildLong(PacketType.Handshake, [], 1, 1, 18, out _);
        Assert.False(PacketHeader.TryParse(packet, 8, out _));
        packet = BuildLong(PacketType.Handshake, [], 1, 1, 19, out _);
        Assert.True(PacketHeader.TryParse(packet, 8, out _));
    }

    [Fact]
    public void TryParse_ConnectionIdOver20_Drops()
    {
        var packet = BuildLong(PacketType.Handshake, [], 1, 1, 30, out _);
        packet[5] = 21;
        Assert.False(PacketHeader.TryParse(packet, 8, out _));
    }

    [Fact]
    public void TryParse_LengthBeyondDatagram_Drops()
    {
        var packet = BuildLong(PacketType.Handshake, [], 1, 1, 30, out _);
        Assert.False(PacketHeader.TryParse(packet.AsSpan(0, packet.Length - 1), 8, out _));
    }

    [Fact]
    public void TryParse_UnsupportedVersion_Drops()
    {
        var packet = BuildLong(PacketType.Initial, [], 1, 1, 30, out _);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(1), 0x1a2a3a4a);
        Assert.False(PacketHeader.TryParse(packet, 8, out _));
    }

    [Fact]
    public void CheckReservedBits_Set_ThrowsProtocolViolation()
    {
        var ex = Assert.Throws<QuicProtocolException>(() => PacketHeader.CheckReservedBits(0xc0 | 0x08, isLongHeader: true));
        Assert.Equal(TransportErrorCode.ProtocolViolation, ex.Code);
        ex = Assert.Throws<QuicProtocolException>(() => PacketHeader.CheckReservedBits(0x40 | 0x10, isLongHeader: false));
        Assert.Equal(TransportErrorCode.ProtocolViolation, ex.Code);
        PacketHeader.CheckReservedBits(0x40 | 0x04 | 0x20 | 0x03, isLongHeader: false);
    }

    [Fact]
    public void Coalesced_InitialHandshakeOneRtt_SplitsAndStopsAfterShort()
    {
        var initial = BuildLong(PacketType.Initial, [9], 0, 1, 50, out _);
        var handshake = BuildLong(PacketType.Handshake, [], 0, 1, 30, out _);
        var oneRtt = new byte[40];
        PacketHeaderWriter.WriteShortHeader(oneRtt, Dcid, 7, 1, false);
        byte[] datagram = [.. initial, .. handshake, .. oneRtt];

        var reader = new CoalescedPacketReader(datagram, Dcid.Length);
        Assert.True(reader.TryReadNext(out var h1, out var p1));
        Assert.Equal(PacketType.Initial, h1.Type);
        Assert.Equal(initial.Length, p1.Length);
        Assert.Equal(0, reader.PacketOffset);
        Assert.True(reader.TryReadNext(out var h2, out var p2));
        Assert.Equal(PacketType.Handshake, h2.Type);
        Assert.Equal(handshake.Length, p2.Length);
        Assert.Equal(initial.Length, reader.PacketOffset);
        Assert.True(reader.TryReadNext(out var h3, out var p3));
        Assert.Equal(PacketType.OneRtt, h3.Type);
        Assert.Equal(oneRtt.Length, p3.Length);
        Assert.False(reader.TryReadNext(out _, out _));
    }

    [Fact]
    public void Coalesced_PaddingAfterLastPacket_StopsCleanly()
    {
        var initial = BuildLong(PacketType.Initial, [], 0, 1, 50, out _);
        byte[] datagram = [.. initial, .. new byte[100]];
        var reader = new CoalescedPacketReader(datagram, Dcid.Length);
        Assert.True(reader.TryReadNext(out _, out _));
        Assert.False(reader.TryReadNext(out _, out _));
    }

    [Fact]
    public void Coalesced_DifferentDestinationConnectionId_Stops()
    {
        var first = BuildLong(PacketType.Initial, [], 0, 1, 50, out _);
        var second = BuildLong(PacketType.Handshake, [], 0, 1, 50, out _);
        second[6] ^= 0xff; // first DCID byte
        byte[] datagram = [.. first, .. second];
        var reader = new CoalescedPacketReader(datagram, Dcid.Length);
        Assert.True(reader.TryReadNext(out _, out _));
        Assert.False(reader.TryReadNext(out _, out _));
    }

    [Fact]
    public void Invariants_GetDestinationConnectionId_LongAndShort()
    {
        var packet = BuildLong(PacketType.Initial, [], 0, 1, 50, out _);
        Assert.True(PacketInvariants.TryGetDestinationConnectionId(packet, 4, out var dcid));
        Assert.Equal(Dcid.ToArray(), dcid.ToArray());

        var shortPacket = new byte[30];
        PacketHeaderWriter.WriteShortHeader(shortPacket, Dcid, 1, 1, false);
        Assert.True(PacketInvariants.TryGetDestinationConnectionId(shortPacket, 8, out dcid));
        Assert.Equal(Dcid.ToArray(), dcid.ToArray());
        Assert.False(PacketInvariants.TryGetDestinationConnectionId(shortPacket.AsSpan(0, 5), 8, out _));
    }

    [Fact]
    public void Invariants_LongConnectionIdFromOtherVersion_Readable()
    {
        var datagram = new byte[1200];
        datagram[0] = 0xc0;
        BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(1), 0xff00_0000);
        datagram[5] = 200;
        datagram[6] = 0x42;
        datagram[206] = 3;
        Assert.True(PacketInvariants.TryGetDestinationConnectionId(datagram, 8, out var dcid));
        Assert.Equal(200, dcid.Length);
        Assert.Equal(0x42, dcid[0]);
    }
}
