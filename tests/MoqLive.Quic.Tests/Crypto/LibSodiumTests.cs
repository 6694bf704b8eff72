using MoqLive.Quic.Crypto;
using MoqLive.Quic.Tls;
using MoqLive.Quic.Tls.Internal;
using NSec.Cryptography;

namespace MoqLive.Quic.Tests.Crypto;

/// <summary>X25519 through libsodium directly (<see cref="LibSodium"/>), checked against RFC 8448 and NSec.</summary>
public sealed class LibSodiumTests
{
    [Fact]
    public void X25519_Rfc8448SimpleHandshake_PublicKeyAndSharedSecretMatchTrace()
    {
        // RFC 8448 §3: the client's ephemeral X25519 key, its key_share, the server's key_share and the shared secret.
        byte[] clientPrivate = Convert.FromHexString("49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005");
        byte[] serverPublic = Convert.FromHexString("c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f");
        byte[] clientPublic = new byte[32], secret = new byte[32];
        LibSodium.X25519PublicKey(clientPrivate, clientPublic);
        Assert.Equal("99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c", Convert.ToHexStringLower(clientPublic));
        Assert.True(LibSodium.TryX25519(clientPrivate, serverPublic, secret));
        Assert.Equal("8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d", Convert.ToHexStringLower(secret));
    }

    [Fact]
    public void X25519_RandomKeys_MatchNSec()
    {
        var random = new Random(7);
        for (int i = 0; i < 50; i++)
        {
            byte[] ours = new byte[32], theirs = new byte[32];
            random.NextBytes(ours);
            random.NextBytes(theirs);
            using Key nsecKey = Key.Import(KeyAgreementAlgorithm.X25519, ours, KeyBlobFormat.RawPrivateKey);
            using Key nsecPeer = Key.Import(KeyAgreementAlgorithm.X25519, theirs, KeyBlobFormat.RawPrivateKey);
            byte[] publicKey = new byte[32], peerPublic = new byte[32], secret = new byte[32];
            LibSodium.X25519PublicKey(ours, publicKey);
            LibSodium.X25519PublicKey(theirs, peerPublic);
            Assert.Equal(nsecKey.PublicKey.Export(KeyBlobFormat.RawPublicKey), publicKey);
            Assert.True(LibSodium.TryX25519(ours, peerPublic, secret));
            using SharedSecret? expected = KeyAgreementAlgorithm.X25519.Agree(nsecKey, nsecPeer.PublicKey,
                new SharedSecretCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
            Assert.Equal(expected!.Export(SharedSecretBlobFormat.RawSharedSecret), secret);
        }
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")] // 0
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000")] // 1
    [InlineData("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")] // p - 1
    public void TryX25519_SmallOrderPeerKey_ReturnsFalse(string peerHex)
    {
        // RFC 8446 §7.4.2 / RFC 7748 §6.1: these give an all-zero shared secret, which must be refused.
        byte[] privateKey = new byte[32], secret = new byte[32];
        new Random(3).NextBytes(privateKey);
        Assert.False(LibSodium.TryX25519(privateKey, Convert.FromHexString(peerHex), secret));
    }

    [Fact]
    public void KeyShare_X25519_BothSidesAgree_AndRejectWrongLength()
    {
        using KeyShare client = KeyShare.Create(NamedGroup.X25519);
        using KeyShare server = KeyShare.Create(NamedGroup.X25519);
        Assert.NotEqual(client.PublicKey, server.PublicKey);
        Assert.Equal(client.Agree(server.PublicKey), server.Agree(client.PublicKey));
        var e = Assert.Throws<TlsAlertException>(() => client.Agree(new byte[31]));
        Assert.Equal(TlsAlert.IllegalParameter, e.Alert);
    }
}
