using System.Security.Cryptography;
using MoqLive.Quic.Crypto;
using MoqLive.Quic.Tls.Internal;
using NSec.Cryptography;

namespace MoqLive.Quic.Tests.Tls;

/// <summary>RFC 8448 §3 "Simple 1-RTT Handshake": key schedule values from the trace.</summary>
public sealed class Rfc8448KeyScheduleTests
{
    private const string ClientHello =
        "010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7000006130113031302010000910000000b0009000006736572766572ff01000100000a00140012001d0017001800190100010101020103010400230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c002b0003020304000d0020001e040305030603020308040805080604010501060102010402050206020202002d00020101001c00024001";

    private const string ServerHello =
        "020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e00330024001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304";

    private const string EncryptedExtensions =
        "080000240022000a00140012001d00170018001901000101010201030104001c0002400100000000";

    private const string Certificate =
        "0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a864886f70d01010b0500300e310c300a06035504031303727361301e170d3136303733303031323335395a170d3236303733303031323335395a300e310c300a0603550403130372736130819f300d06092a864886f70d010101050003818d0030818902818100b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced43120998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda430846748030530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b0603551d0f0404030205a0300d06092a864886f70d01010b05000381810085aad2a0e5b9276b908c65f73a7267170618a54c5f8a7b337d2df7a594365417f2eae8f8a58c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b42b4de10000";

    private const string CertificateVerify =
        "0f000084080400805a747c5d88fa9bd2e55ab085a61015b7211f824cd484145ab3ff52f1fda8477b0b7abc90db78e2d33a5c141a078653fa6bef780c5ea248eeaaa785c4f394cab6d30bbe8d4859ee511f602957b15411ac027671459e46445c9ea58c181e818e95b8c3fb0bf3278409d3be152a3da5043e063dda65cdf5aea20d53dfacd42f74f3";

    private const string ServerFinished = "140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718";

    private const string SharedSecret = "8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d";

    [Fact]
    public void X25519_SharedSecret_MatchesTrace()
    {
        byte[] clientPrivate = Convert.FromHexString("49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005");
        byte[] serverPublic = Convert.FromHexString("c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f");
        using Key key = Key.Import(KeyAgreementAlgorithm.X25519, clientPrivate, KeyBlobFormat.RawPrivateKey);
        var peer = PublicKey.Import(KeyAgreementAlgorithm.X25519, serverPublic, KeyBlobFormat.RawPublicKey);
        using SharedSecret? secret = KeyAgreementAlgorithm.X25519.Agree(key, peer, new SharedSecretCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        Assert.Equal(SharedSecret, Convert.ToHexStringLower(secret!.Export(SharedSecretBlobFormat.RawSharedSecret)));
    }

    [Fact]
    public void KeySchedule_EarlyHandshakeMasterSecrets_MatchTrace()
    {
        var schedule = new KeySchedule(HashAlgorithmName.SHA256);
        Assert.Equal("33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a", Convert.ToHexStringLower(schedule.EarlySecret));
        Assert.Equal(
            "6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba",
            Convert.ToHexStringLower(HkdfLabel.DeriveSecret(HashAlgorithmName.SHA256, schedule.EarlySecret, "derived", SHA256.HashData(ReadOnlySpan<byte>.Empty))));
        schedule.SetSharedSecret(Convert.FromHexString(SharedSecret));
        Assert.Equal("1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac", Convert.ToHexStringLower(schedule.HandshakeSecret));
        Assert.Equal("18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919", Convert.ToHexStringLower(schedule.MasterSecret));
    }

    [Fact]
    public void KeySchedule_TrafficSecretsAndFinished_MatchTrace()
    {
        var schedule = new KeySchedule(HashAlgorithmName.SHA256);
        schedule.SetSharedSecret(Convert.FromHexString(SharedSecret));
        var transcript = new Transcript();
        transcript.Add(Convert.FromHexString(ClientHello));
        transcript.Add(Convert.FromHexString(ServerHello));
        (byte[] clientHs, byte[] serverHs) = schedule.HandshakeTrafficSecrets(transcript.Hash(HashAlgorithmName.SHA256));
        Assert.Equal("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21", Convert.ToHexStringLower(clientHs));
        Assert.Equal("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38", Convert.ToHexStringLower(serverHs));

        // RFC 8448 also lists the record key/IV of the server handshake secret; QUIC uses the same derivation with "quic " labels.
        Assert.Equal("3fce516009c21727d0f2e4e86ee403bc", Convert.ToHexStringLower(HkdfLabel.Expand(HashAlgorithmName.SHA256, serverHs, "key", default, 16)));
        Assert.Equal("5d313eb2671276ee13000b30", Convert.ToHexStringLower(HkdfLabel.Expand(HashAlgorithmName.SHA256, serverHs, "iv", default, 12)));

        transcript.Add(Convert.FromHexString(EncryptedExtensions));
        transcript.Add(Convert.FromHexString(Certificate));
        transcript.Add(Convert.FromHexString(CertificateVerify));
        byte[] finished = schedule.FinishedVerifyData(serverHs, transcript.Hash(HashAlgorithmName.SHA256));
        Assert.Equal(ServerFinished[8..], Convert.ToHexStringLower(finished));

        transcript.Add(Convert.FromHexString(ServerFinished));
        (byte[] clientApp, byte[] serverApp) = schedule.ApplicationTrafficSecrets(transcript.Hash(HashAlgorithmName.SHA256));
        Assert.Equal("9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5", Convert.ToHexStringLower(clientApp));
        Assert.Equal("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643", Convert.ToHexStringLower(serverApp));
        Assert.Equal("a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61",
            Convert.ToHexStringLower(schedule.FinishedVerifyData(clientHs, transcript.Hash(HashAlgorithmName.SHA256))));
    }

    [Fact]
    public void CertificateVerify_RsaPssFromTrace_Verifies()
    {
        var transcript = new Transcript();
        foreach (string m in new[] { ClientHello, ServerHello, EncryptedExtensions, Certificate })
        {
            transcript.Add(Convert.FromHexString(m));
        }

        List<System.Security.Cryptography.X509Certificates.X509Certificate2> chain = CertificateMessage.Parse(Convert.FromHexString(Certificate)[4..]);
        byte[] cv = Convert.FromHexString(CertificateVerify);
        Assert.Equal(0x0804, (cv[4] << 8) | cv[5]);
        byte[] signature = cv[8..];
        CertificateVerifyContent.Verify(chain[0], 0x0804, signature, transcript.Hash(HashAlgorithmName.SHA256));
        signature[10] ^= 1;
        var e = Assert.Throws<MoqLive.Quic.Tls.TlsAlertException>(() =>
            CertificateVerifyContent.Verify(chain[0], 0x0804, signature, transcript.Hash(HashAlgorithmName.SHA256)));
        Assert.Equal(MoqLive.Quic.Tls.TlsAlert.DecryptError, e.Alert);
    }
}
