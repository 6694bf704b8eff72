using MoqLive.Quic.Crypto;
using MoqLive.Quic.Tls;
using MoqLive.Quic.Tls.Internal;

namespace MoqLive.Quic.Tests.Tls;

/// <summary>Malformed, misplaced and mutated handshake input only ever fails with <see cref="TlsAlertException"/>.</summary>
public sealed class TlsMalformedInputTests
{
    [Fact]
    public void HandleCryptoData_ExtensionsLengthOverrun_DecodeError()
    {
        byte[] hello = ClientHelloBytes();
        // Layout: header(4) version(2) random(32) session_id(1) suites(2+6) compression(2) extensions_length(2)...
        int extensionsLengthOffset = 4 + 2 + 32 + 1 + 2 + 6 + 2;
        hello[extensionsLengthOffset + 1]++;
        AssertServerAlert(hello, TlsAlert.DecodeError);
    }

    [Fact]
    public void HandleCryptoData_TrailingBytesInsideMessage_DecodeError()
    {
        byte[] hello = ClientHelloBytes();
        byte[] longer = [.. hello, 0];
        int length = hello.Length - 4 + 1;
        longer[1] = (byte)(length >> 16);
        longer[2] = (byte)(length >> 8);
        longer[3] = (byte)length;
        AssertServerAlert(longer, TlsAlert.DecodeError);
    }

    [Fact]
    public void HandleCryptoData_HugeMessageLength_DecodeError()
    {
        AssertServerAlert([HandshakeType.ClientHello, 0xff, 0xff, 0xff], TlsAlert.DecodeError);
    }

    [Fact]
    public void HandleCryptoData_TruncatedClientHello_WaitsForMore()
    {
        byte[] hello = ClientHelloBytes();
        using var server = TlsSession.CreateServer(TestCertificates.ServerOptions(), [1]);
        server.HandleCryptoData(EncryptionLevel.Initial, hello.AsSpan(0, hello.Length - 1));
        Assert.False(server.TryPollCryptoData(EncryptionLevel.Initial, out _));
        server.HandleCryptoData(EncryptionLevel.Initial, hello.AsSpan(hello.Length - 1));
        Assert.True(server.TryPollCryptoData(EncryptionLevel.Initial, out _));
    }

    [Fact]
    public void HandleCryptoData_FinishedInsteadOfClientHello_UnexpectedMessage()
    {
        AssertServerAlert([HandshakeType.Finished, 0, 0, 2, 1, 2], TlsAlert.UnexpectedMessage);
    }

    [Fact]
    public void HandleCryptoData_DataAfterServerHelloAtInitial_UnexpectedMessage()
    {
        using var client = TlsSession.CreateClient(TestCertificates.PinnedClientOptions(), [1]);
        using var server = TlsSession.CreateServer(TestCertificates.ServerOptions(), [2]);
        client.TryPollCryptoData(EncryptionLevel.Initial, out byte[] hello);
        server.HandleCryptoData(EncryptionLevel.Initial, hello);
        server.TryPollCryptoData(EncryptionLevel.Initial, out byte[] serverHello);
        var e = Assert.Throws<TlsAlertException>(() => client.HandleCryptoData(EncryptionLevel.Initial, [.. serverHello, HandshakeType.EncryptedExtensions]));
        Assert.Equal(TlsAlert.UnexpectedMessage, e.Alert);
    }

    [Fact]
    public void HandleCryptoData_KeyUpdateAfterHandshake_UnexpectedMessage()
    {
        using var pair = new TlsTestPair(TestCertificates.PinnedClientOptions(), TestCertificates.ServerOptions());
        pair.Run();

        var e = Assert.Throws<TlsAlertException>(() => pair.Client.HandleCryptoData(EncryptionLevel.OneRtt, [HandshakeType.KeyUpdate, 0, 0, 1, 0]));
        Assert.Equal(TlsAlert.UnexpectedMessage, e.Alert);
        Assert.Equal(0x10aUL, e.TransportErrorCode);
    }

    [Fact]
    public void HandleCryptoData_NewSessionTicket_Ignored()
    {
        using var pair = new TlsTestPair(TestCertificates.PinnedClientOptions(), TestCertificates.ServerOptions());
        pair.Run();

        pair.Client.HandleCryptoData(EncryptionLevel.OneRtt, [HandshakeType.NewSessionTicket, 0, 0, 2, 0xaa, 0xbb]);
        Assert.True(pair.Client.IsHandshakeComplete);
    }

    [Fact]
    public void HandleCryptoData_AfterFailure_RethrowsSameAlert()
    {
        using var server = TlsSession.CreateServer(TestCertificates.ServerOptions(), [1]);
        Assert.Throws<TlsAlertException>(() => server.HandleCryptoData(EncryptionLevel.Initial, [HandshakeType.Finished, 0, 0, 0]));
        var e = Assert.Throws<TlsAlertException>(() => server.HandleCryptoData(EncryptionLevel.Initial, ClientHelloBytes()));
        Assert.Equal(TlsAlert.UnexpectedMessage, e.Alert);
    }

    [Fact]
    public void ClientHello_WithoutTransportParameters_MissingExtension()
    {
        byte[] hello = RewriteExtensions(ClientHelloBytes(), exts => exts.Where(e => e.Type != ExtensionType.QuicTransportParameters));
        AssertServerAlert(hello, TlsAlert.MissingExtension);
    }

    [Fact]
    public void ClientHello_WithoutAlpn_NoApplicationProtocol()
    {
        byte[] hello = RewriteExtensions(ClientHelloBytes(), exts => exts.Where(e => e.Type != ExtensionType.ApplicationLayerProtocolNegotiation));
        AssertServerAlert(hello, TlsAlert.NoApplicationProtocol);
    }

    [Fact]
    public void ClientHello_WithoutSupportedVersions_ProtocolVersion()
    {
        byte[] hello = RewriteExtensions(ClientHelloBytes(), exts => exts.Where(e => e.Type != ExtensionType.SupportedVersions));
        AssertServerAlert(hello, TlsAlert.ProtocolVersion);
    }

    [Fact]
    public void ClientHello_DuplicateExtension_IllegalParameter()
    {
        byte[] hello = RewriteExtensions(ClientHelloBytes(), exts => exts.Concat(exts.Where(e => e.Type == ExtensionType.SupportedGroups)));
        AssertServerAlert(hello, TlsAlert.IllegalParameter);
    }

    [Fact]
    public void ClientHello_InvalidX25519Share_IllegalParameter()
    {
        byte[] hello = RewriteExtensions(ClientHelloBytes(), exts => exts.Select(e =>
            e.Type == ExtensionType.KeyShare ? (e.Type, new byte[] { 0, 6, 0, 0x1d, 0, 2, 1, 2 }) : e));
        AssertServerAlert(hello, TlsAlert.IllegalParameter);
    }

    [Fact]
    public void ClientHello_ChromeShaped_AcceptedWithX25519()
    {
        // NOTES.md §3: Chrome's QUIC ClientHello carries GREASE in versions, groups and extensions, an
        // X25519MLKEM768 share before the X25519 one, ALPS, ECH GREASE, certificate compression and BoringSSL's
        // default signature algorithms. All of it must be ignored except what we use.
        using var client = TlsSession.CreateClient(TestCertificates.PinnedClientOptions(), [1, 2, 3]);
        client.TryPollCryptoData(EncryptionLevel.Initial, out byte[] original);
        byte[] x25519Share = ExtractX25519Share(original);
        byte[] mlkem = new byte[1216];
        new Random(1).NextBytes(mlkem);
        byte[] keyShares = [.. U16(0x0a0a), .. U16(1), 0, .. U16(NamedGroup.X25519MlKem768), .. U16(mlkem.Length), .. mlkem, .. U16(NamedGroup.X25519), .. U16(32), .. x25519Share];
        byte[] hello = RewriteExtensions(original, exts =>
        [
            (0x1a1a, []),
            (ExtensionType.ServerName, exts.First(e => e.Type == ExtensionType.ServerName).Data),
            (23, []), // extended_master_secret
            (0xff01, [0]), // renegotiation_info
            (ExtensionType.SupportedGroups, [.. U16(10), .. U16(0x0a0a), .. U16(NamedGroup.X25519MlKem768), .. U16(NamedGroup.X25519), .. U16(NamedGroup.Secp256r1), .. U16(NamedGroup.Secp384r1)]),
            (ExtensionType.ApplicationLayerProtocolNegotiation, [0, 3, 2, (byte)'h', (byte)'3']),
            (5, [1, 0, 0, 0, 0]), // status_request
            (ExtensionType.SignatureAlgorithms, [.. U16(18), .. U16(0x0403), .. U16(0x0804), .. U16(0x0401), .. U16(0x0503), .. U16(0x0805), .. U16(0x0501), .. U16(0x0806), .. U16(0x0601), .. U16(0x0201)]),
            (18, []), // signed_certificate_timestamp
            (ExtensionType.KeyShare, [.. U16(keyShares.Length), .. keyShares]),
            (ExtensionType.PskKeyExchangeModes, [1, 1]),
            (ExtensionType.SupportedVersions, [4, 0x3a, 0x3a, 3, 4]),
            (27, [2, 0, 2]), // compress_certificate: brotli
            (17613, [0, 3, 2, (byte)'h', (byte)'3']), // application_settings (ALPS)
            (0xfe0d, [0, 0, 1, 0, 1, 0x42, 0, 32, .. new byte[32], 0, 0x40, .. new byte[64]]), // ECH GREASE
            (ExtensionType.QuicTransportParameters, [0x0f, 0]),
            (0x2a2a, [0]),
        ]);

        using var server = TlsSession.CreateServer(TestCertificates.ServerOptions(), [9]);
        for (int offset = 0; offset < hello.Length; offset += 1100)
        {
            server.HandleCryptoData(EncryptionLevel.Initial, hello.AsSpan(offset, Math.Min(1100, hello.Length - offset)));
        }

        Assert.Equal(NamedGroup.X25519, server.KeyExchangeGroup);
        Assert.False(server.UsedHelloRetryRequest);
        Assert.Equal("h3", server.ApplicationProtocol);
        Assert.Equal("localhost", server.ServerName);
        Assert.Equal(new byte[] { 0x0f, 0 }, server.PeerTransportParameters);

        Assert.True(server.TryPollCryptoData(EncryptionLevel.Initial, out byte[] serverHello));
        Assert.Equal(HandshakeType.ServerHello, serverHello[0]);
        Assert.True(server.TryPollCryptoData(EncryptionLevel.Handshake, out byte[] flight));
        Assert.Equal(HandshakeType.EncryptedExtensions, flight[0]);
    }

    [Fact]
    public void ClientHello_AllZeroX25519Share_IllegalParameter()
    {
        // RFC 8446 §7.4.2: a low-order point gives an all-zero shared secret, which must be rejected.
        byte[] share = [0, 36, 0, 0x1d, 0, 32, .. new byte[32]];
        byte[] hello = RewriteExtensions(ClientHelloBytes(), exts => exts.Select(e => e.Type == ExtensionType.KeyShare ? (e.Type, share) : e));
        AssertServerAlert(hello, TlsAlert.IllegalParameter);
    }

    [Fact]
    public void ClientHello_InvalidP256Point_IllegalParameter()
    {
        byte[] point = new byte[65];
        point[0] = 4;
        point[64] = 7; // (0, 7) is not on the curve
        byte[] share = [0, 69, 0, 0x17, 0, 65, .. point];
        byte[] hello = RewriteExtensions(ClientHelloBytes(), exts => exts.Select(e => e.Type == ExtensionType.KeyShare ? (e.Type, share) : e));
        AssertServerAlert(hello, TlsAlert.IllegalParameter);
    }

    [Fact]
    public void ClientHello_Mutated_OnlyTlsAlertExceptions()
    {
        byte[] original = ClientHelloBytes();
        var alerts = new HashSet<TlsAlert>();
        for (int seed = 0; seed < 400; seed++)
        {
            var random = new Random(seed);
            byte[] mutated = Mutate(random, original);
            using var server = TlsSession.CreateServer(TestCertificates.ServerOptions(), [1]);
            AssertOnlyAlerts(() => server.HandleCryptoData(EncryptionLevel.Initial, mutated), seed, alerts);
        }

        Assert.Contains(TlsAlert.DecodeError, alerts);
    }

    [Fact]
    public void ServerFlight_Mutated_OnlyTlsAlertExceptions()
    {
        var alerts = new HashSet<TlsAlert>();
        for (int seed = 0; seed < 150; seed++)
        {
            var random = new Random(seed);
            using var client = TlsSession.CreateClient(TestCertificates.PinnedClientOptions(), [1]);
            using var server = TlsSession.CreateServer(TestCertificates.ServerOptions(), [2]);
            client.TryPollCryptoData(EncryptionLevel.Initial, out byte[] hello);
            server.HandleCryptoData(EncryptionLevel.Initial, hello);
            server.TryPollCryptoData(EncryptionLevel.Initial, out byte[] initial);
            server.TryPollCryptoData(EncryptionLevel.Handshake, out byte[] handshake);
            bool mutateInitial = random.Next(4) == 0;
            byte[] initialIn = mutateInitial ? Mutate(random, initial) : initial;
            byte[] handshakeIn = mutateInitial ? handshake : Mutate(random, handshake);
            AssertOnlyAlerts(
                () =>
                {
                    client.HandleCryptoData(EncryptionLevel.Initial, initialIn);
                    client.HandleCryptoData(EncryptionLevel.Handshake, handshakeIn);
                },
                seed,
                alerts);
        }

        Assert.Contains(TlsAlert.DecodeError, alerts);
        Assert.Contains(TlsAlert.DecryptError, alerts);
    }

    [Fact]
    public void ClientFinished_Mutated_DecryptErrorOrDecodeError()
    {
        using var pair = new TlsTestPair(TestCertificates.PinnedClientOptions(), TestCertificates.ServerOptions())
        {
            Tamper = (fromClient, level, data) =>
            {
                if (fromClient && level == EncryptionLevel.Handshake)
                {
                    data[^1] ^= 0x80;
                }

                return data;
            },
        };
        var e = Assert.Throws<TlsAlertException>(() => pair.Run());
        Assert.Equal(TlsAlert.DecryptError, e.Alert);
        Assert.False(pair.Server.IsHandshakeComplete);
    }

    private static void AssertOnlyAlerts(Action action, int seed, HashSet<TlsAlert> alerts)
    {
        try
        {
            action();
        }
        catch (TlsAlertException e)
        {
            // internal_error would mean a parser let malformed input reach code that did not expect it.
            Assert.True(e.Alert != TlsAlert.InternalError, $"seed {seed}: {e}");
            alerts.Add(e.Alert);
        }
        catch (Exception e)
        {
            Assert.Fail($"seed {seed}: unexpected {e}");
        }
    }

    private static byte[] Mutate(Random random, byte[] original)
    {
        byte[] data = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0:
                for (int i = random.Next(1, 5); i > 0; i--)
                {
                    data[random.Next(data.Length)] ^= (byte)random.Next(1, 256);
                }

                return data;
            case 1:
                // Corrupt a byte in the first part, where the length fields cluster.
                data[random.Next(Math.Min(data.Length, 120))] = (byte)random.Next(256);
                return data;
            case 2:
                return data.AsSpan(0, random.Next(data.Length)).ToArray();
            default:
                int at = random.Next(data.Length);
                byte[] junk = new byte[random.Next(1, 8)];
                random.NextBytes(junk);
                return [.. data.AsSpan(0, at), .. junk, .. data.AsSpan(at)];
        }
    }

    private static byte[] U16(int v) => [(byte)(v >> 8), (byte)v];

    private static byte[] ExtractX25519Share(byte[] hello)
    {
        int extensionsOffset = 4 + 2 + 32 + 1 + 2 + 6 + 2;
        var reader = new TlsReader(hello.AsSpan(extensionsOffset));
        var extReader = new TlsReader(reader.ReadVector16());
        while (!extReader.IsEmpty)
        {
            ushort type = extReader.ReadUInt16();
            ReadOnlySpan<byte> data = extReader.ReadVector16();
            if (type == ExtensionType.KeyShare)
            {
                return data[(2 + 2 + 2)..].ToArray();
            }
        }

        throw new InvalidOperationException("no key_share");
    }

    private static byte[] ClientHelloBytes()
    {
        using var client = TlsSession.CreateClient(TestCertificates.PinnedClientOptions(), [1, 2, 3]);
        Assert.True(client.TryPollCryptoData(EncryptionLevel.Initial, out byte[] hello));
        return hello;
    }

    private static void AssertServerAlert(byte[] input, TlsAlert expected)
    {
        using var server = TlsSession.CreateServer(TestCertificates.ServerOptions(), [1]);
        var e = Assert.Throws<TlsAlertException>(() => server.HandleCryptoData(EncryptionLevel.Initial, input));
        Assert.Equal(expected, e.Alert);
    }

    /// <summary>Re-encodes a ClientHello with its extension list rewritten.</summary>
    private static byte[] RewriteExtensions(byte[] hello, Func<List<(ushort Type, byte[] Data)>, IEnumerable<(ushort Type, byte[] Data)>> rewrite)
    {
        int extensionsOffset = 4 + 2 + 32 + 1 + 2 + 6 + 2;
        var reader = new TlsReader(hello.AsSpan(extensionsOffset));
        var extensions = new List<(ushort, byte[])>();
        var extReader = new TlsReader(reader.ReadVector16());
        while (!extReader.IsEmpty)
        {
            ushort type = extReader.ReadUInt16();
            extensions.Add((type, extReader.ReadVector16().ToArray()));
        }

        var body = new TlsWriter();
        body.WriteBytes(hello.AsSpan(4, extensionsOffset - 4));
        int list = body.BeginVector(2);
        foreach ((ushort type, byte[] data) in rewrite(extensions))
        {
            body.WriteUInt16(type);
            body.WriteVector16(data);
        }

        body.EndVector(list);
        var message = new TlsWriter();
        message.WriteUInt8(HandshakeType.ClientHello);
        message.WriteUInt24(body.Length);
        message.WriteBytes(body.WrittenSpan);
        return message.ToArray();
    }
}
