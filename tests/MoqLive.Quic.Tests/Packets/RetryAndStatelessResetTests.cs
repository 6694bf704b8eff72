using System.Security.Cryptography;
using MoqLive.Quic.Packets;

namespace MoqLive.Quic.Tests.Packets;

public class RetryAndStatelessResetTests
{
    // Stand-in for the RFC 9001 §5.8 AES-128-GCM tag: any deterministic function of the pseudo-packet will do here.
    private static void FakeTag(ReadOnlySpan<byte> pseudoPacket, Span<byte> tag) => SHA256.HashData(pseudoPacket)[..16].CopyTo(tag);

    [Fact]
    public void Retry_WriteThenParse_RoundTripsAndVerifies()
    {
        var dcid = new ConnectionId([1, 2, 3]);
        var scid = new ConnectionId([4, 5, 6, 7]);
        var odcid = new ConnectionId([8, 8, 8, 8, 8, 8, 8, 8]);
        byte[] token = [0xee, 0xee, 0xee];
        var packet = new byte[RetryPacket.GetLength(dcid, scid, token.Length)];
        Assert.Equal(packet.Length, RetryPacket.Write(packet, QuicVersion.Version1, dcid, scid, token, 0x5, odcid, FakeTag));

        Assert.True(PacketHeader.TryParse(packet, 0, out var header));
        Assert.Equal(PacketType.Retry, header.Type);
        Assert.False(header.HasPacketNumber);
        Assert.Equal(dcid, header.DestinationConnectionId);
        Assert.Equal(scid, header.SourceConnectionId);
        Assert.Equal(token, header.GetToken(packet).ToArray());
        Assert.True(RetryPacket.VerifyIntegrityTag(packet, odcid, FakeTag));
        Assert.False(RetryPacket.VerifyIntegrityTag(packet, dcid, FakeTag));
    }

    [Fact]
    public void Retry_PseudoPacket_Layout()
    {
        var odcid = new ConnectionId([9, 9]);
        byte[] retry = [0xf0, 0, 0, 0, 1];
        var pseudo = new byte[RetryPacket.GetPseudoPacketLength(odcid, retry.Length)];
        RetryPacket.WritePseudoPacket(pseudo, odcid, retry);
        Assert.Equal([2, 9, 9, 0xf0, 0, 0, 0, 1], pseudo);
    }

    [Fact]
    public void Retry_EmptyToken_Dropped()
    {
        var packet = new byte[7 + 16];
        packet[0] = 0xf0;
        packet[4] = 1;
        Assert.False(PacketHeader.TryParse(packet, 0, out _));
    }

    [Fact]
    public void StatelessReset_LooksLikeShortHeaderAndIsDetected()
    {
        var token = new StatelessResetToken(RandomNumberGenerator.GetBytes(16));
        int length = StatelessReset.GetResponseLength(1200);
        Assert.InRange(length, StatelessReset.MinLength, 1199);
        var datagram = new byte[length];
        StatelessReset.Write(datagram, token);
        Assert.False(PacketInvariants.IsLongHeader(datagram[0]));
        Assert.NotEqual(0, datagram[0] & PacketInvariants.FixedBit);
        Assert.True(PacketHeader.TryParse(datagram, 8, out var header));
        Assert.Equal(PacketType.OneRtt, header.Type);
        Assert.True(StatelessReset.Matches(datagram, token));
        Assert.True(StatelessReset.TryGetToken(datagram, out var found));
        Assert.Equal(token, found);
        datagram[^1] ^= 1;
        Assert.False(StatelessReset.Matches(datagram, token));
    }

    [Theory]
    [InlineData(21, 0)]
    [InlineData(22, 21)]
    [InlineData(43, 42)]
    [InlineData(44, 43)]
    [InlineData(1500, 43)]
    public void StatelessReset_ResponseLength_SmallerThanTrigger(int received, int expected) =>
        Assert.Equal(expected, StatelessReset.GetResponseLength(received));

    [Fact]
    public void StatelessReset_TooShort_NotAToken() =>
        Assert.False(StatelessReset.TryGetToken(new byte[20], out _));
}
