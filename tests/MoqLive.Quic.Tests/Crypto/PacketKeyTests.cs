using System.Security.Cryptography;
using MoqLive.Quic.Crypto;

namespace MoqLive.Quic.Tests.Crypto;

public sealed class PacketKeyTests
{
    public static TheoryData<ushort> Suites => [0x1301, 0x1302, 0x1303];

    [Theory]
    [MemberData(nameof(Suites))]
    public void EncryptTryDecrypt_InPlace_RoundTrips(ushort suiteValue)
    {
        var suite = (CipherSuite)suiteValue;
        using PacketKey key = QuicKeyDerivation.PacketKeyFromSecret(suite, RandomNumberGenerator.GetBytes(suite.HashLength()));
        byte[] packet = new byte[10 + 100 + 16];
        RandomNumberGenerator.Fill(packet.AsSpan(0, 110));
        byte[] original = packet.AsSpan(0, 110).ToArray();

        key.Encrypt(12345, packet, 10);
        Assert.NotEqual(original.AsSpan(10).ToArray(), packet.AsSpan(10, 100).ToArray());
        Assert.True(key.TryDecrypt(12345, packet, 10, out int length));
        Assert.Equal(100, length);
        Assert.Equal(original, packet.AsSpan(0, 110).ToArray());
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void TryDecrypt_WrongPacketNumberOrHeader_Fails(ushort suiteValue)
    {
        var suite = (CipherSuite)suiteValue;
        using PacketKey key = QuicKeyDerivation.PacketKeyFromSecret(suite, RandomNumberGenerator.GetBytes(suite.HashLength()));
        byte[] packet = new byte[8 + 30 + 16];
        key.Encrypt(7, packet, 8);
        byte[] copy = (byte[])packet.Clone();
        Assert.False(key.TryDecrypt(8, packet, 8, out _));
        copy[2] ^= 1;
        Assert.False(key.TryDecrypt(7, copy, 8, out _));
    }

    [Fact]
    public void TryDecrypt_OutOfPlaceFailure_LeavesSourceIntact()
    {
        using PacketKey right = QuicKeyDerivation.PacketKeyFromSecret(CipherSuite.Aes128GcmSha256, new byte[32]);
        using PacketKey wrong = QuicKeyDerivation.PacketKeyFromSecret(CipherSuite.Aes128GcmSha256, Enumerable.Repeat((byte)1, 32).ToArray());
        byte[] packet = new byte[5 + 20 + 16];
        packet.AsSpan(5, 20).Fill(0x42);
        right.Encrypt(3, packet, 5);
        byte[] sealedCopy = (byte[])packet.Clone();
        byte[] plain = new byte[20];

        Assert.False(wrong.TryDecrypt(3, packet.AsSpan(0, 5), packet.AsSpan(5), plain, out _));
        Assert.Equal(sealedCopy, packet);
        Assert.True(right.TryDecrypt(3, packet.AsSpan(0, 5), packet.AsSpan(5), plain, out int length));
        Assert.Equal(20, length);
        Assert.All(plain, b => Assert.Equal(0x42, b));
    }

    [Fact]
    public void TryDecrypt_TooShort_ReturnsFalse()
    {
        using PacketKey key = QuicKeyDerivation.PacketKeyFromSecret(CipherSuite.Aes128GcmSha256, new byte[32]);
        Assert.False(key.TryDecrypt(0, new byte[20], 10, out _));
    }

    [Fact]
    public void Limits_PerRfc9001Section6_6()
    {
        using PacketKey gcm = QuicKeyDerivation.PacketKeyFromSecret(CipherSuite.Aes128GcmSha256, new byte[32]);
        using PacketKey chacha = QuicKeyDerivation.PacketKeyFromSecret(CipherSuite.ChaCha20Poly1305Sha256, new byte[32]);
        Assert.Equal(1UL << 23, gcm.ConfidentialityLimit);
        Assert.Equal(1UL << 52, gcm.IntegrityLimit);
        Assert.Equal(1UL << 36, chacha.IntegrityLimit);
        Assert.True(chacha.ConfidentialityLimit >= 1UL << 62);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void HeaderProtection_LongAndShort_RoundTrip(ushort suiteValue)
    {
        var suite = (CipherSuite)suiteValue;
        using HeaderKey key = QuicKeyDerivation.HeaderKeyFromSecret(suite, RandomNumberGenerator.GetBytes(suite.HashLength()));
        foreach (byte firstByte in new byte[] { 0xc3, 0xc0, 0x41, 0x5e })
        {
            byte[] packet = RandomNumberGenerator.GetBytes(60);
            packet[0] = firstByte;
            byte[] original = (byte[])packet.Clone();
            int pnOffset = (firstByte & 0x80) != 0 ? 18 : 9;
            key.Protect(packet, pnOffset);
            Assert.Equal(original[0] & 0x80, packet[0] & 0x80);
            Assert.Equal(original[(pnOffset + 4)..], packet[(pnOffset + 4)..]);
            Assert.True(key.TryUnprotect(packet, pnOffset, out int pnLength));
            Assert.Equal((firstByte & 3) + 1, pnLength);
            Assert.Equal(original, packet);
        }
    }

    [Fact]
    public void HeaderProtection_TooShortForSample_ReturnsFalse()
    {
        using HeaderKey key = QuicKeyDerivation.HeaderKeyFromSecret(CipherSuite.Aes128GcmSha256, new byte[32]);
        byte[] packet = new byte[20];
        Assert.False(key.TryUnprotect(packet, 1, out _));
        Assert.Throws<ArgumentException>(() => key.Protect(packet, 1));
    }

    [Fact]
    public void KeyUpdate_HeaderKeyUnchanged_PacketKeyChanges()
    {
        byte[] secret = RandomNumberGenerator.GetBytes(32);
        var secrets = new OneRttSecrets(CipherSuite.Aes128GcmSha256, (byte[])secret.Clone(), (byte[])secret.Clone());
        using PacketKey current = QuicKeyDerivation.PacketKeyFromSecret(CipherSuite.Aes128GcmSha256, secret);
        using PacketKeyPair next = secrets.Next();
        byte[] packet = new byte[4 + 10 + 16];
        next.Local.Encrypt(1, packet, 4);
        Assert.False(current.TryDecrypt(1, (byte[])packet.Clone(), 4, out _));
        Assert.True(next.Remote.TryDecrypt(1, packet, 4, out _));
        using PacketKey expected = QuicKeyDerivation.PacketKeyFromSecret(CipherSuite.Aes128GcmSha256, QuicKeyDerivation.NextSecret(CipherSuite.Aes128GcmSha256, secret));
        byte[] p2 = new byte[4 + 10 + 16];
        expected.Encrypt(9, p2, 4);
        Assert.True(next.Remote.TryDecrypt(9, p2, 4, out _));
    }
}
