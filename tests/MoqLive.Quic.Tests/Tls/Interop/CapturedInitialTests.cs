using System.Buffers.Binary;
using MoqLive.Quic.Crypto;
using MoqLive.Quic.Tls;
using MoqLive.Transport.Encoding;

namespace MoqLive.Quic.Tests.Tls.Interop;

/// <summary>
/// A real Initial datagram from an independent QUIC client (Debian's ngtcp2 0.12 gtlsclient, GnuTLS), captured
/// once from a plain UDP socket (gtlsclient 127.0.0.1 4433 https://localhost:4433/). The test removes its
/// packet protection with our Initial keys and runs our server handshake on its ClientHello.
/// </summary>
public sealed class CapturedInitialTests
{
    private const string Ngtcp2GnuTlsInitial =
        "ce0000000112dc340e568426ba774e872573bb30c6149cf0111a8e71930e2562dca0906e7bb562c457d100800004812f4459" +
        "ec4e2f02ce24737cb1b522de6d5adcb9c9daf07892a38e78a564fe300caf8a4f32bb1cf873037ebf504fb472ae99639640ca" +
        "de4e78cf4056749b7fb8b09614c8798b6c9762dc8b68ba09b278b93a98669f6d424c6faee0277dc6c13f54da4eb2abdd6056" +
        "c46be85512155b0c7f7eb746d467c80b8f8912d63fb1db98fb545f4dadeee08aacd9168fb84c1671ae2c3150c267acc7b7e7" +
        "12cffc77b64b39bb5082ec9468645e7140922d85efa04b9d4c38048877bb5bfd16ed63ba7b8e5284528d7208fbc040928fa4" +
        "9e121be38506cb3cbddcf240a44139d95730b75403dde96bfadb6780502da7e378d6f6c5ea76c736b1403483bf5fdb201a3d" +
        "9a21a14bd7349ce1f0ab962a9ea39c2e8d3125b9215605cb62984ce0cfc80aa12b49366c18bd6e3cdb2018bed005b080ae66" +
        "de436d26991ab59adb6a2cdaef2af31e60c769d7a08974424cd118d4e1b8ae63abfd5f658ca57d5c6d7154830554433e997e" +
        "0fc297acc7fbab64f16bda1f833c42a032537a7240b72b5181d710a5b1d2af54c059d4a92ec4a0fbca63a8ab8f196411b225" +
        "e755d15a407ac343105856dc28d24c09967ffddc26cf6e619d97af12b2a1014ffad2006405bcbed64aeed01b87ba8b4703ce" +
        "acba9ac1af1e0a360ac385361f00a15eb41443586d6e36ec4f1c07bb72e84a37929bb9b81d187426fe9d6effb9ee277eb3c6" +
        "be4e04dcf6b1f055b2fae5935ed72d3871dbe9f2a6361fbddd71ff453000026a82cd92e5d4e3be63cd0ad755a5aa84ef5acf" +
        "c40825f45f692c644f34313156375a9ceaf91df603b3c5383793524893f5203baaa35b42be919272f8421439641ec26ce91f" +
        "5d12a0d5643399f422774359cb39e835e4684adb4656c1a6141c98e0135b43c75b900581279dc280c065f93152ffb7ca6938" +
        "c075ce7cafcde61293e1c3bcb78192f05a5dca9bfcfac199c81b6b8e7f32de3da2739f9e926b1b7a8da69b085c6b2911d12f" +
        "fe4021246ca371ec458df6cc126a7a1d48eabe42d8279a32203c443dbb3ed6c16d6dd5021723a7ae4bc0a1a43ed1ea57d062" +
        "6193611be24ded6e6a62ff07631ea994065bec4512bd9ad6f76f004c099abc5de1deb5f58cba7dfebfc3f48d6ee17e366ad9" +
        "2f0fca093427bbb9885c4f4f938e306ce713a4ffc36ccae399a85b61a7f4aa0873d21b68640e756309efffe6a821d93a27e1" +
        "07aca429aeea5ce0767ee11a32dd2c85e419bd7dfad6b1f904e8ba7b1d439141838a219e76fe3c18f39a4e31878055703069" +
        "f56086974885215f224bf83bf78504b5f34b9166ce356dc9c36bfbf5bad9e6928dc59d95ea417e1b752c11fed3bfc70ba551" +
        "06484b5447d3ecbf8b932d89d22baffa7c623df254bd39c4b4127c7b5b8ea760a6cf34e09ec068df7d36620d0db3f737c8e6" +
        "95e06ab2423008d78b864caa8de9d6ccab9114952e1a1d0edcdc1ba705fa308b0d8fa86c0af8f41804c0d2c7bdcf50f88c2f" +
        "2c8e2080a1be60df12d5a243fcf836110c92f63e86718975c52d95e5ad42f479007a90c918004320f417e011c8935ead31b5" +
        "74a734abb4403541a5b9789a9c266fa83b78b46f9578a6bbeb4646827f169a8e5464354e1446f5765ef404f761563b7cf33c";

    [Fact]
    public void Ngtcp2Initial_Unprotect_YieldsClientHelloOurServerAccepts()
    {
        byte[] datagram = Convert.FromHexString(Ngtcp2GnuTlsInitial);
        (byte[] dcid, byte[] payload) = OpenInitial(datagram);
        byte[] clientHello = ReassembleCrypto(payload);
        Assert.Equal(1, clientHello[0]); // HandshakeType.client_hello

        using var server = TlsSession.CreateServer(TestCertificates.ServerOptions(null, "h3", "h3-29"), [0x01, 0x02, 0x40, 0x64]);
        server.HandleCryptoData(EncryptionLevel.Initial, clientHello);

        Assert.True(server.TryPollCryptoData(EncryptionLevel.Initial, out byte[] serverHello));
        Assert.Equal(2, serverHello[0]);
        Assert.True(server.TryPollCryptoData(EncryptionLevel.Handshake, out _));
        Assert.StartsWith("h3", server.ApplicationProtocol);
        Assert.NotNull(server.PeerTransportParameters);
        Assert.NotEmpty(server.PeerTransportParameters);
        Assert.Contains(dcid.Length, new[] { 8, 18, 20 });
        AssertTransportParametersWellFormed(server.PeerTransportParameters);
    }

    /// <summary>Parses the long header, removes header protection and opens the payload (RFC 9000 §17.2.2, RFC 9001 §5).</summary>
    private static (byte[] Dcid, byte[] Payload) OpenInitial(byte[] datagram)
    {
        Assert.Equal(0xc0, datagram[0] & 0xf0); // long header, Initial
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(1)));
        int offset = 5;
        byte[] dcid = datagram.AsSpan(offset + 1, datagram[offset]).ToArray();
        offset += 1 + dcid.Length;
        offset += 1 + datagram[offset]; // scid
        Assert.True(QuicVarInt.TryRead(datagram.AsSpan(offset), out ulong tokenLength, out int n));
        offset += n + (int)tokenLength;
        Assert.True(QuicVarInt.TryRead(datagram.AsSpan(offset), out ulong length, out n));
        offset += n;
        int pnOffset = offset;
        Span<byte> packet = datagram.AsSpan(0, pnOffset + (int)length);

        using LevelKeys keys = QuicKeyDerivation.InitialKeys(dcid, isServer: true);
        Assert.True(keys.Remote.Header.TryUnprotect(packet, pnOffset, out int pnLength));
        ulong pn = 0;
        for (int i = 0; i < pnLength; i++)
        {
            pn = (pn << 8) | packet[pnOffset + i];
        }

        Assert.True(keys.Remote.Packet.TryDecrypt(pn, packet, pnOffset + pnLength, out int payloadLength));
        return (dcid, packet.Slice(pnOffset + pnLength, payloadLength).ToArray());
    }

    /// <summary>Collects CRYPTO frames by offset, skipping PADDING and PING (the only other frames a first Initial holds).</summary>
    private static byte[] ReassembleCrypto(byte[] payload)
    {
        var pieces = new SortedDictionary<ulong, byte[]>();
        int offset = 0;
        while (offset < payload.Length)
        {
            byte type = payload[offset++];
            if (type is 0x00 or 0x01)
            {
                continue;
            }

            Assert.Equal(0x06, type);
            Assert.True(QuicVarInt.TryRead(payload.AsSpan(offset), out ulong cryptoOffset, out int n));
            offset += n;
            Assert.True(QuicVarInt.TryRead(payload.AsSpan(offset), out ulong length, out n));
            offset += n;
            pieces[cryptoOffset] = payload.AsSpan(offset, (int)length).ToArray();
            offset += (int)length;
        }

        var data = new List<byte>();
        foreach ((ulong at, byte[] bytes) in pieces)
        {
            Assert.Equal((ulong)data.Count, at);
            data.AddRange(bytes);
        }

        return [.. data];
    }

    /// <summary>RFC 9000 §18: a sequence of (varint id, varint length, value).</summary>
    private static void AssertTransportParametersWellFormed(byte[] parameters)
    {
        int offset = 0;
        int count = 0;
        while (offset < parameters.Length)
        {
            Assert.True(QuicVarInt.TryRead(parameters.AsSpan(offset), out _, out int n));
            offset += n;
            Assert.True(QuicVarInt.TryRead(parameters.AsSpan(offset), out ulong length, out n));
            offset += n + (int)length;
            count++;
        }

        Assert.Equal(parameters.Length, offset);
        Assert.True(count >= 3);
    }
}
