using System.Security.Cryptography;
using MoqLive.Quic.Packets;

namespace MoqLive.Quic.Tests.Packets;

/// <summary>Unprotected headers and the Retry packet from RFC 9001 Appendix A.</summary>
public class Rfc9001AppendixATests
{
    private static readonly ConnectionId ClientDcid = new(Convert.FromHexString("8394c8f03e515708"));
    private static readonly ConnectionId ServerScid = new(Convert.FromHexString("f067a5502a4262b5"));

    [Fact]
    public void ClientInitialHeader_AppendixA2_Matches()
    {
        var expected = Convert.FromHexString("c300000001088394c8f03e5157080000449e00000002");
        var packet = new byte[1200];
        var layout = PacketHeaderWriter.WriteLongHeader(packet, PacketType.Initial, QuicVersion.Version1, ClientDcid, ConnectionId.Empty, [], 2, 4);
        // Length 0x049e = 4-byte packet number + 1162 bytes of frames + 16-byte AEAD tag.
        PacketHeaderWriter.FinishLength(packet, layout, 1162 + 16);
        Assert.Equal(expected, packet[..layout.HeaderLength]);

        Assert.True(PacketHeader.TryParse(packet, 0, out var header));
        Assert.Equal(PacketType.Initial, header.Type);
        Assert.Equal(ClientDcid, header.DestinationConnectionId);
        Assert.True(header.SourceConnectionId.IsEmpty);
        Assert.Equal(0, header.TokenLength);
        Assert.Equal(18, header.PacketNumberOffset);
        Assert.Equal(18 + 0x049e, header.PacketLength);
        Assert.Equal(22, header.SampleOffset);
    }

    [Fact]
    public void ServerInitialHeader_AppendixA3_Matches()
    {
        var expected = Convert.FromHexString("c1000000010008f067a5502a4262b50040750001");
        var packet = new byte[expected.Length + 0x75 - 2];
        var layout = PacketHeaderWriter.WriteLongHeader(packet, PacketType.Initial, QuicVersion.Version1, ConnectionId.Empty, ServerScid, [], 1, 2);
        PacketHeaderWriter.FinishLength(packet, layout, 0x75 - 2);
        Assert.Equal(expected, packet[..layout.HeaderLength]);
        Assert.True(PacketHeader.TryParse(packet, 0, out var header));
        Assert.Equal(ServerScid, header.SourceConnectionId);
        Assert.Equal(packet.Length, header.PacketLength);
    }

    [Fact]
    public void Retry_AppendixA4_MatchesWithRealIntegrityTag()
    {
        var expected = Convert.FromHexString("ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d829058fb3f0f2496ba");
        var packet = new byte[RetryPacket.GetLength(ConnectionId.Empty, ServerScid, 5)];
        int length = RetryPacket.Write(packet, QuicVersion.Version1, ConnectionId.Empty, ServerScid, "token"u8, 0x0f, ClientDcid, Rfc9001RetryTag);
        Assert.Equal(expected, packet[..length]);
        Assert.True(RetryPacket.VerifyIntegrityTag(expected, ClientDcid, Rfc9001RetryTag));

        Assert.True(PacketHeader.TryParse(expected, 0, out var header));
        Assert.Equal(PacketType.Retry, header.Type);
        Assert.Equal("token"u8.ToArray(), header.GetToken(expected).ToArray());
    }

    [Fact]
    public void ShortHeader_AppendixA5_Matches()
    {
        var packet = new byte[21];
        int headerLength = PacketHeaderWriter.WriteShortHeader(packet, ConnectionId.Empty, 654360564, 3, keyPhase: false);
        Assert.Equal(Convert.FromHexString("4200bff4"), packet[..headerLength]);
        // The 21-byte protected packet is the smallest that has room for the header protection sample.
        Assert.True(PacketHeader.TryParse(Convert.FromHexString("4cfe4189655e5cd55c41f69080575d7999c25a5bfb"), 0, out var header));
        Assert.Equal(1, header.PacketNumberOffset);
        Assert.False(PacketHeader.TryParse(packet.AsSpan(0, 20), 0, out _));
    }

    // RFC 9001 §5.8: AES-128-GCM with a fixed key and nonce over an empty plaintext; the pseudo-packet is the AAD.
    private static void Rfc9001RetryTag(ReadOnlySpan<byte> pseudoPacket, Span<byte> tag)
    {
        using var aes = new AesGcm(Convert.FromHexString("be0c690b9f66575a1d766b54e368c84e"), 16);
        aes.Encrypt(Convert.FromHexString("461599d35d632bf2239825bb"), [], [], tag, pseudoPacket);
    }
}
