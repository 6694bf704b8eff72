using System.Security.Cryptography;
using MoqLive.Quic.Crypto;
using MoqLive.Quic.Tls;
using MoqLive.Quic.Tls.Internal;

namespace MoqLive.Quic.Tests.Tls;

/// <summary>Full client↔server handshakes in memory.</summary>
public sealed class TlsHandshakeTests
{
    [Fact]
    public void Handshake_DefaultX25519_CompletesWithMatchingKeys()
    {
        using var pair = new TlsTestPair(TestCertificates.PinnedClientOptions(), TestCertificates.ServerOptions());
        pair.Run();

        AssertComplete(pair);
        Assert.Equal(NamedGroup.X25519, pair.Client.KeyExchangeGroup);
        Assert.Equal(NamedGroup.X25519, pair.Server.KeyExchangeGroup);
        Assert.Equal(CipherSuite.Aes128GcmSha256, pair.Client.CipherSuite);
        Assert.False(pair.Client.UsedHelloRetryRequest);
        Assert.Equal("h3", pair.Client.ApplicationProtocol);
        Assert.Equal("h3", pair.Server.ApplicationProtocol);
        Assert.Equal("localhost", pair.Server.ServerName);
        Assert.Equal(TestCertificates.Ecdsa.RawData, pair.Client.PeerCertificate!.RawData);
        AssertKeysMatch(pair, EncryptionLevel.Handshake);
        AssertKeysMatch(pair, EncryptionLevel.OneRtt);
    }

    [Fact]
    public void Handshake_TransportParameters_ExchangedBothWays()
    {
        byte[] clientParams = RandomNumberGenerator.GetBytes(300);
        byte[] serverParams = RandomNumberGenerator.GetBytes(90);
        using var pair = new TlsTestPair(TestCertificates.PinnedClientOptions(), TestCertificates.ServerOptions(), clientParams, serverParams);
        pair.Run();

        Assert.Equal(clientParams, pair.Server.PeerTransportParameters);
        Assert.Equal(serverParams, pair.Client.PeerTransportParameters);
    }

    [Fact]
    public void Handshake_EmptyTransportParameters_StillPresent()
    {
        using var pair = new TlsTestPair(TestCertificates.PinnedClientOptions(), TestCertificates.ServerOptions(), [], []);
        pair.Run();

        Assert.Empty(pair.Server.PeerTransportParameters!);
        Assert.Empty(pair.Client.PeerTransportParameters!);
    }

    [Fact]
    public void Handshake_Secp256r1Only_UsesP256WithoutRetry()
    {
        TlsClientOptions client = TestCertificates.PinnedClientOptions();
        client.SupportedGroupsOverride = [NamedGroup.Secp256r1];
        client.KeyShareGroupsOverride = [NamedGroup.Secp256r1];
        using var pair = new TlsTestPair(client, TestCertificates.ServerOptions());
        pair.Run();

        AssertComplete(pair);
        Assert.Equal(NamedGroup.Secp256r1, pair.Server.KeyExchangeGroup);
        Assert.False(pair.Server.UsedHelloRetryRequest);
        AssertKeysMatch(pair, EncryptionLevel.OneRtt);
    }

    [Fact]
    public void Handshake_ServerOnlyP256_ClientSharedX25519_HelloRetryRequest()
    {
        TlsServerOptions server = TestCertificates.ServerOptions();
        server.SupportedGroupsOverride = [NamedGroup.Secp256r1];
        using var pair = new TlsTestPair(TestCertificates.PinnedClientOptions(), server);
        pair.Run();

        AssertComplete(pair);
        Assert.True(pair.Client.UsedHelloRetryRequest);
        Assert.True(pair.Server.UsedHelloRetryRequest);
        Assert.Equal(NamedGroup.Secp256r1, pair.Client.KeyExchangeGroup);
        AssertKeysMatch(pair, EncryptionLevel.Handshake);
        AssertKeysMatch(pair, EncryptionLevel.OneRtt);
    }

    [Fact]
    public void Handshake_OnlyUnsupportedShares_HelloRetryRequestForX25519()
    {
        // Chrome-like first flight whose only share the server cannot use (X25519MLKEM768), plus GREASE.
        TlsClientOptions client = TestCertificates.PinnedClientOptions();
        client.KeyShareGroupsOverride = [];
        client.SupportedGroupsOverride = [0x3a3a, NamedGroup.X25519MlKem768, NamedGroup.X25519, NamedGroup.Secp256r1];
        client.ExtraKeyShares.Add((0x3a3a, [0]));
        client.ExtraKeyShares.Add((NamedGroup.X25519MlKem768, RandomNumberGenerator.GetBytes(1216)));
        using var pair = new TlsTestPair(client, TestCertificates.ServerOptions());
        pair.Run();

        AssertComplete(pair);
        Assert.True(pair.Client.UsedHelloRetryRequest);
        Assert.Equal(NamedGroup.X25519, pair.Server.KeyExchangeGroup);
        AssertKeysMatch(pair, EncryptionLevel.OneRtt);
    }

    [Fact]
    public void Handshake_ChromeLikeGreaseAndMlKemShare_IgnoredWithoutRetry()
    {
        TlsClientOptions client = TestCertificates.PinnedClientOptions();
        client.SupportedGroupsOverride = [0x8a8a, NamedGroup.X25519MlKem768, NamedGroup.X25519, NamedGroup.Secp256r1, NamedGroup.Secp384r1];
        client.CipherSuitesOverride = [0x2a2a, 0x1301, 0x1302, 0x1303];
        client.ExtraKeyShares.Add((0x8a8a, [0]));
        client.ExtraKeyShares.Add((NamedGroup.X25519MlKem768, RandomNumberGenerator.GetBytes(1216)));
        client.ExtraExtensions.Add((0x0a0a, []));
        client.ExtraExtensions.Add((17613, [0, 3, 2, (byte)'h', (byte)'3'])); // ALPS (new codepoint)
        client.ExtraExtensions.Add((17513, [0, 3, 2, (byte)'h', (byte)'3'])); // ALPS (old codepoint)
        client.ExtraExtensions.Add((ExtensionType.PskKeyExchangeModes, [1, 1]));
        client.ExtraExtensions.Add((0xfafa, [0]));
        using var pair = new TlsTestPair(client, TestCertificates.ServerOptions()) { ChunkSize = 1200 };
        pair.Run();

        AssertComplete(pair);
        Assert.False(pair.Server.UsedHelloRetryRequest);
        Assert.Equal(NamedGroup.X25519, pair.Server.KeyExchangeGroup);
        Assert.Equal(CipherSuite.Aes128GcmSha256, pair.Server.CipherSuite);
    }

    [Theory]
    [InlineData((ushort)0x1301)]
    [InlineData((ushort)0x1302)]
    [InlineData((ushort)0x1303)]
    public void Handshake_EachCipherSuite_NegotiatedAndKeysMatch(ushort suite)
    {
        TlsClientOptions client = TestCertificates.PinnedClientOptions();
        client.CipherSuitesOverride = [suite];
        using var pair = new TlsTestPair(client, TestCertificates.ServerOptions());
        pair.Run();

        AssertComplete(pair);
        Assert.Equal((CipherSuite)suite, pair.Client.CipherSuite);
        Assert.Equal((CipherSuite)suite, pair.Server.CipherSuite);
        AssertKeysMatch(pair, EncryptionLevel.Handshake);
        AssertKeysMatch(pair, EncryptionLevel.OneRtt);
    }

    [Fact]
    public void Handshake_ServerPicksSuiteByClientOrder()
    {
        TlsClientOptions client = TestCertificates.PinnedClientOptions();
        client.CipherSuitesOverride = [0x1303, 0x1301];
        using var pair = new TlsTestPair(client, TestCertificates.ServerOptions());
        pair.Run();

        Assert.Equal(CipherSuite.ChaCha20Poly1305Sha256, pair.Server.CipherSuite);
    }

    [Fact]
    public void Handshake_NoCommonCipherSuite_HandshakeFailure()
    {
        TlsServerOptions server = TestCertificates.ServerOptions();
        server.CipherSuitesOverride = [0x1302];
        TlsClientOptions client = TestCertificates.PinnedClientOptions();
        client.CipherSuitesOverride = [0x1301];
        using var pair = new TlsTestPair(client, server);
        var e = Assert.Throws<TlsAlertException>(() => pair.Run());
        Assert.Equal(TlsAlert.HandshakeFailure, e.Alert);
    }

    [Fact]
    public void Handshake_RsaCertificate_UsesRsaPss()
    {
        using var pair = new TlsTestPair(TestCertificates.PinnedClientOptions(TestCertificates.Rsa), TestCertificates.ServerOptions(TestCertificates.Rsa));
        pair.Run();

        AssertComplete(pair);
        Assert.Equal(TestCertificates.Rsa.RawData, pair.Client.PeerCertificate!.RawData);
    }

    [Fact]
    public void Handshake_EcdsaP384Certificate_Completes()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA384);
        using var cert = request.CreateSelfSigned(TestCertificates.Now.AddDays(-1), TestCertificates.Now.AddDays(5));
        using var pair = new TlsTestPair(TestCertificates.PinnedClientOptions(cert), TestCertificates.ServerOptions(cert));
        pair.Run();

        AssertComplete(pair);
    }

    [Fact]
    public void Handshake_PinnedHashMismatch_BadCertificateAlert()
    {
        using var pair = new TlsTestPair(TestCertificates.PinnedClientOptions(TestCertificates.Rsa), TestCertificates.ServerOptions(TestCertificates.Ecdsa));
        var e = Assert.Throws<TlsAlertException>(() => pair.Run());
        Assert.Equal(TlsAlert.BadCertificate, e.Alert);
        Assert.Equal(0x12aUL, e.TransportErrorCode);
        Assert.False(pair.Client.IsHandshakeComplete);
    }

    [Fact]
    public void Handshake_ChainWithTrustedRoot_Completes()
    {
        (var root, var leaf) = TestCertificates.CaSigned;
        using var pair = new TlsTestPair(ChainClient("example.test", root), TestCertificates.ServerOptions(leaf));
        pair.Run();

        AssertComplete(pair);
    }

    [Fact]
    public void Handshake_ChainWithIntermediateSent_Completes()
    {
        // The root sent as a chain element is harmless; the client still anchors on its own trust store.
        (var root, var leaf) = TestCertificates.CaSigned;
        TlsServerOptions server = TestCertificates.ServerOptions(leaf);
        server.Certificate = TlsServerCertificate.FromCertificate(leaf, [root]);
        using var pair = new TlsTestPair(ChainClient("example.test", root), server);
        pair.Run();

        AssertComplete(pair);
    }

    [Fact]
    public void Handshake_ChainUntrustedRoot_UnknownCaAlert()
    {
        using var pair = new TlsTestPair(ChainClient("localhost", TestCertificates.CaSigned.Root), TestCertificates.ServerOptions(TestCertificates.Ecdsa));
        var e = Assert.Throws<TlsAlertException>(() => pair.Run());
        Assert.Equal(TlsAlert.UnknownCa, e.Alert);
    }

    [Fact]
    public void Handshake_ChainWrongHostName_BadCertificateAlert()
    {
        (var root, var leaf) = TestCertificates.CaSigned;
        using var pair = new TlsTestPair(ChainClient("other.test", root), TestCertificates.ServerOptions(leaf));
        var e = Assert.Throws<TlsAlertException>(() => pair.Run());
        Assert.Equal(TlsAlert.BadCertificate, e.Alert);
    }

    [Fact]
    public void Handshake_ChainExpired_CertificateExpiredAlert()
    {
        (var root, var leaf) = TestCertificates.CaSigned;
        TlsClientOptions client = ChainClient("example.test", root);
        client.TimeProvider = new FixedTimeProvider(TestCertificates.Now.AddDays(60));
        using var pair = new TlsTestPair(client, TestCertificates.ServerOptions(leaf));
        var e = Assert.Throws<TlsAlertException>(() => pair.Run());
        Assert.Equal(TlsAlert.CertificateExpired, e.Alert);
    }

    [Fact]
    public void Handshake_InsecureValidation_AcceptsAnyCertificate()
    {
        var client = new TlsClientOptions { ServerName = "whatever", ApplicationProtocols = ["h3"], CertificateValidation = TlsCertificateValidation.None };
        using var pair = new TlsTestPair(client, TestCertificates.ServerOptions());
        pair.Run();

        AssertComplete(pair);
    }

    [Fact]
    public void Handshake_AlpnMismatch_NoApplicationProtocolAlert()
    {
        using var pair = new TlsTestPair(TestCertificates.PinnedClientOptions(alpn: "moqt-15"), TestCertificates.ServerOptions(alpn: "h3"));
        var e = Assert.Throws<TlsAlertException>(() => pair.Run());
        Assert.Equal(TlsAlert.NoApplicationProtocol, e.Alert);
        Assert.Equal(0x178UL, e.TransportErrorCode);
    }

    [Fact]
    public void Handshake_Alpn_ServerPreferenceWins()
    {
        using var pair = new TlsTestPair(TestCertificates.PinnedClientOptions(null, "h3", "moqt-19"), TestCertificates.ServerOptions(null, "moqt-19", "h3"));
        pair.Run();

        Assert.Equal("moqt-19", pair.Client.ApplicationProtocol);
        Assert.Equal("moqt-19", pair.Server.ApplicationProtocol);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    public void Handshake_CryptoDataInSmallChunks_Completes(int chunkSize)
    {
        TlsClientOptions client = TestCertificates.PinnedClientOptions();
        client.ExtraKeyShares.Add((NamedGroup.X25519MlKem768, RandomNumberGenerator.GetBytes(1216)));
        using var pair = new TlsTestPair(client, TestCertificates.ServerOptions()) { ChunkSize = chunkSize };
        pair.Run(maxSteps: 20);

        AssertComplete(pair);
    }

    [Fact]
    public void Handshake_KeysPolledInOrder_HandshakeBeforeOneRtt()
    {
        using var client = TlsSession.CreateClient(TestCertificates.PinnedClientOptions(), [1]);
        using var server = TlsSession.CreateServer(TestCertificates.ServerOptions(), [2]);
        Assert.False(client.TryPollKeys(out _));
        Assert.True(client.TryPollCryptoData(EncryptionLevel.Initial, out byte[] clientHello));
        server.HandleCryptoData(EncryptionLevel.Initial, clientHello);

        Assert.True(server.TryPollKeys(out LevelKeys first));
        Assert.True(server.TryPollKeys(out LevelKeys second));
        Assert.False(server.TryPollKeys(out _));
        Assert.Equal(EncryptionLevel.Handshake, first.Level);
        Assert.Equal(EncryptionLevel.OneRtt, second.Level);
        Assert.True(server.TryPollCryptoData(EncryptionLevel.Initial, out _));
        Assert.True(server.TryPollCryptoData(EncryptionLevel.Handshake, out _));
        Assert.False(server.TryPollCryptoData(EncryptionLevel.OneRtt, out _));
        Assert.False(server.IsHandshakeComplete);
        first.Dispose();
        second.Dispose();
    }

    [Fact]
    public void Handshake_ClientConfirmation_AfterHandshakeDone()
    {
        using var pair = new TlsTestPair(TestCertificates.PinnedClientOptions(), TestCertificates.ServerOptions());
        pair.Run();

        Assert.True(pair.Server.IsHandshakeConfirmed);
        Assert.False(pair.Client.IsHandshakeConfirmed);
        pair.Client.ConfirmHandshake();
        Assert.True(pair.Client.IsHandshakeConfirmed);
    }

    [Fact]
    public void KeyUpdate_NextGenerations_ConsistentBetweenSides()
    {
        using var pair = new TlsTestPair(TestCertificates.PinnedClientOptions(), TestCertificates.ServerOptions());
        pair.Run();

        for (int generation = 1; generation <= 3; generation++)
        {
            using PacketKeyPair client = pair.Client.NextOneRttKeys();
            using PacketKeyPair server = pair.Server.NextOneRttKeys();
            AssertPacketKeysMatch(client.Local, server.Remote);
            AssertPacketKeysMatch(server.Local, client.Remote);
            Assert.False(Roundtrips(pair.ClientKeys[EncryptionLevel.OneRtt].Local.Packet, server.Remote));
        }
    }

    [Fact]
    public void KeyUpdate_BeforeOneRttKeys_Throws()
    {
        using var client = TlsSession.CreateClient(TestCertificates.PinnedClientOptions(), [1]);
        Assert.Throws<InvalidOperationException>(() => client.NextOneRttKeys());
    }

    [Fact]
    public void ServerCertificate_FromPemFiles_Handshakes()
    {
        string dir = Directory.CreateTempSubdirectory("moqlive-tls-").FullName;
        try
        {
            string certPath = Path.Combine(dir, "cert.pem");
            string keyPath = Path.Combine(dir, "key.pem");
            SelfSignedCertificate.WritePemFiles(TestCertificates.Ecdsa, certPath, keyPath);
            var server = new TlsServerOptions { Certificate = TlsServerCertificate.FromPemFiles(certPath, keyPath), ApplicationProtocols = ["h3"] };
            using var pair = new TlsTestPair(TestCertificates.PinnedClientOptions(), server);
            pair.Run();

            AssertComplete(pair);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static void AssertComplete(TlsTestPair pair)
    {
        Assert.True(pair.Client.IsHandshakeComplete);
        Assert.True(pair.Server.IsHandshakeComplete);
        Assert.True(pair.ClientKeys.ContainsKey(EncryptionLevel.OneRtt));
        Assert.True(pair.ServerKeys.ContainsKey(EncryptionLevel.OneRtt));
    }

    internal static void AssertKeysMatch(TlsTestPair pair, EncryptionLevel level)
    {
        LevelKeys client = pair.ClientKeys[level];
        LevelKeys server = pair.ServerKeys[level];
        AssertPacketKeysMatch(client.Local.Packet, server.Remote.Packet);
        AssertPacketKeysMatch(server.Local.Packet, client.Remote.Packet);
        AssertHeaderKeysMatch(client.Local.Header, server.Remote.Header);
        AssertHeaderKeysMatch(server.Local.Header, client.Remote.Header);
    }

    private static TlsClientOptions ChainClient(string serverName, System.Security.Cryptography.X509Certificates.X509Certificate2 root) => new()
    {
        ServerName = serverName,
        ApplicationProtocols = ["h3"],
        CertificateValidation = TlsCertificateValidation.Chain,
        TrustedRoots = [root],
        TimeProvider = new FixedTimeProvider(TestCertificates.Now),
    };

    private static void AssertPacketKeysMatch(PacketKey sealer, PacketKey opener) => Assert.True(Roundtrips(sealer, opener));

    private static bool Roundtrips(PacketKey sealer, PacketKey opener)
    {
        byte[] packet = new byte[5 + 40 + sealer.TagLength];
        packet[0] = 0x41;
        RandomNumberGenerator.Fill(packet.AsSpan(5, 40));
        byte[] plain = packet.AsSpan(5, 40).ToArray();
        sealer.Encrypt(77, packet, 5);
        return opener.TryDecrypt(77, packet, 5, out int length) && length == 40 && plain.AsSpan().SequenceEqual(packet.AsSpan(5, 40));
    }

    private static void AssertHeaderKeysMatch(HeaderKey a, HeaderKey b)
    {
        byte[] sample = RandomNumberGenerator.GetBytes(16);
        byte[] maskA = new byte[5];
        byte[] maskB = new byte[5];
        a.ComputeMask(sample, maskA);
        b.ComputeMask(sample, maskB);
        Assert.Equal(maskA, maskB);
    }
}
