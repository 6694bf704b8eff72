using System.Buffers.Binary;
using MoqLive.Quic.Packets;

namespace MoqLive.Quic.Tests.Packets;

public class VersionNegotiationPacketTests
{
    private static byte[] ClientInitialWithVersion(uint version, int size = 1200)
    {
        var datagram = new byte[size];
        datagram[0] = 0xc0;
        BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(1), version);
        datagram[5] = 4;
        datagram.AsSpan(6, 4).Fill(0xdd);
        datagram[10] = 2;
        datagram.AsSpan(11, 2).Fill(0x55);
        return datagram;
    }

    [Fact]
    public void TryWriteResponse_UnknownVersion_SwapsConnectionIdsAndListsVersions()
    {
        var received = ClientInitialWithVersion(0x0a0a0a0a);
        var reply = new byte[100];
        Assert.True(VersionNegotiationPacket.TryWriteResponse(received, QuicVersion.Supported, 0x40, reply, out int written));

        Assert.True(PacketHeader.TryParse(reply.AsSpan(0, written), 0, out var header));
        Assert.Equal(PacketType.VersionNegotiation, header.Type);
        Assert.True(VersionNegotiationPacket.TryParse(reply.AsSpan(0, written), out var dcid, out var scid, out var versions));
        Assert.Equal([0x55, 0x55], dcid.ToArray());
        Assert.Equal([0xdd, 0xdd, 0xdd, 0xdd], scid.ToArray());
        Assert.Equal(4, versions.Length);
        Assert.Equal(QuicVersion.Version1, VersionNegotiationPacket.GetVersion(versions, 0));
        Assert.True(VersionNegotiationPacket.Contains(versions, QuicVersion.Version1));
        Assert.False(VersionNegotiationPacket.Contains(versions, 2));
    }

    [Theory]
    [InlineData(QuicVersion.Version1, 1200)]
    [InlineData(0x0a0a0a0aU, 1199)]
    [InlineData(0U, 1200)]
    public void TryWriteResponse_SupportedOrShortOrVn_SendsNothing(uint version, int size) =>
        Assert.False(VersionNegotiationPacket.TryWriteResponse(ClientInitialWithVersion(version, size), QuicVersion.Supported, 0, new byte[100], out _));

    [Fact]
    public void TryParse_VersionListNotMultipleOfFour_Fails()
    {
        var packet = new byte[VersionNegotiationPacket.GetLength(1, 1, 1)];
        int n = VersionNegotiationPacket.Write(packet, [1], [2], [1u], 0);
        Assert.True(VersionNegotiationPacket.TryParse(packet.AsSpan(0, n), out _, out _, out _));
        Assert.False(VersionNegotiationPacket.TryParse(packet.AsSpan(0, n - 1), out _, out _, out _));
    }

    [Fact]
    public void IsReserved_GreaseVersions()
    {
        Assert.True(QuicVersion.IsReserved(0x1a2a3a4a));
        Assert.False(QuicVersion.IsReserved(QuicVersion.Version1));
    }
}
