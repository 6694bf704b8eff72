using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MoqLive.Quic.Crypto;
using MoqLive.Quic.Tls;
using MoqLive.Quic.Tls.Internal;

namespace MoqLive.Quic.Tests.Tls.Interop;

/// <summary>
/// Interop with an independent TLS 1.3 implementation: OpenSSL through <see cref="SslStream"/>, over an in-memory
/// stream with a test-only record layer. Checks messages, signatures, key schedule and traffic keys end to end.
/// </summary>
public sealed class SslStreamInteropTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    public static TheoryData<string, string?> ServerCases => new()
    {
        { "ecdsa", null },
        { "rsa", null },
        { "ecdsa", nameof(TlsCipherSuite.TLS_AES_128_GCM_SHA256) },
        { "ecdsa", nameof(TlsCipherSuite.TLS_AES_256_GCM_SHA384) },
        { "ecdsa", nameof(TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256) },
    };

    [Theory]
    [MemberData(nameof(ServerCases))]
    public async Task OurServer_SslStreamClient_HandshakeAndDataAsync(string certificate, string? suite)
    {
        X509Certificate2 cert = certificate == "rsa" ? TestCertificates.Rsa : TestCertificates.Ecdsa;
        (InMemoryDuplexStream ours, InMemoryDuplexStream theirs) = InMemoryDuplexStream.CreatePair();
        var adapter = new TlsRecordAdapter(ours, isServer: true);
        TlsServerOptions options = TestCertificates.ServerOptions(cert, "h3");
        options.TransportParametersOptional = true;
        options.KeyLog = adapter.OnKeyLog;
        using TlsSession server = TlsSession.CreateServer(options, [1, 2, 3]);
        adapter.Attach(server);

        using var ssl = new SslStream(theirs, leaveInnerStreamOpen: false);
        var clientOptions = new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = SslProtocols.Tls13,
            ApplicationProtocols = [SslApplicationProtocol.Http3],
            RemoteCertificateValidationCallback = (_, c, _, _) => c is not null && c.GetRawCertData().AsSpan().SequenceEqual(cert.RawData),
        };
        if (suite is not null && !OperatingSystem.IsWindows())
        {
            clientOptions.CipherSuitesPolicy = new CipherSuitesPolicy([Enum.Parse<TlsCipherSuite>(suite)]);
        }

        using var cts = new CancellationTokenSource(s_timeout);
        Task client = ssl.AuthenticateAsClientAsync(clientOptions, cts.Token);
        await adapter.RunHandshakeAsync(cts.Token).WaitAsync(s_timeout);
        await client.WaitAsync(s_timeout);

        Assert.True(server.IsHandshakeComplete);
        Assert.Equal("h3", server.ApplicationProtocol);
        Assert.Equal(SslApplicationProtocol.Http3, ssl.NegotiatedApplicationProtocol);
        Assert.Equal(SslProtocols.Tls13, ssl.SslProtocol);
        Assert.Equal((int)server.CipherSuite!.Value, (int)ssl.NegotiatedCipherSuite);
        if (suite is not null)
        {
            Assert.Equal(suite, ssl.NegotiatedCipherSuite.ToString());
        }

        await ssl.WriteAsync(Encoding.ASCII.GetBytes("ping"), cts.Token).AsTask().WaitAsync(s_timeout);
        Assert.Equal("ping", Encoding.ASCII.GetString(await adapter.ReadApplicationDataAsync(cts.Token).WaitAsync(s_timeout)));
        await adapter.WriteApplicationDataAsync(Encoding.ASCII.GetBytes("pong"), cts.Token).WaitAsync(s_timeout);
        byte[] buffer = new byte[16];
        int n = await ssl.ReadAsync(buffer, cts.Token).AsTask().WaitAsync(s_timeout);
        Assert.Equal("pong", Encoding.ASCII.GetString(buffer, 0, n));
    }

    public static TheoryData<string, ushort, ushort, bool> ClientCases => new()
    {
        { "ecdsa", 0x1301, NamedGroup.X25519, false },
        { "ecdsa", 0x1302, NamedGroup.X25519, false },
        { "ecdsa", 0x1303, NamedGroup.X25519, false },
        { "ecdsa", 0x1301, NamedGroup.Secp256r1, false },
        { "rsa", 0x1301, NamedGroup.X25519, false },
        { "ecdsa", 0x1301, NamedGroup.X25519, true },
    };

    [Theory]
    [MemberData(nameof(ClientCases))]
    public async Task OurClient_SslStreamServer_HandshakeAndDataAsync(string certificate, ushort suite, ushort group, bool requestClientCertificate)
    {
        X509Certificate2 cert = certificate == "rsa" ? TestCertificates.Rsa : TestCertificates.Ecdsa;
        (InMemoryDuplexStream ours, InMemoryDuplexStream theirs) = InMemoryDuplexStream.CreatePair();
        var adapter = new TlsRecordAdapter(ours, isServer: false);
        TlsClientOptions options = TestCertificates.PinnedClientOptions(cert, "h3");
        options.TransportParametersOptional = true;
        options.CipherSuitesOverride = [suite];
        options.SupportedGroupsOverride = [group];
        options.KeyShareGroupsOverride = [group];
        options.KeyLog = adapter.OnKeyLog;
        using TlsSession client = TlsSession.CreateClient(options, [1, 2, 3]);
        adapter.Attach(client);

        using var ssl = new SslStream(theirs, leaveInnerStreamOpen: false);
        var serverOptions = new SslServerAuthenticationOptions
        {
            ServerCertificate = cert,
            EnabledSslProtocols = SslProtocols.Tls13,
            ApplicationProtocols = [SslApplicationProtocol.Http3],

            // A CertificateRequest is answered with an empty Certificate (no client certificates).
            ClientCertificateRequired = requestClientCertificate,
            RemoteCertificateValidationCallback = (_, c, _, _) => c is null,
        };

        using var cts = new CancellationTokenSource(s_timeout);
        Task server = ssl.AuthenticateAsServerAsync(serverOptions, cts.Token);
        await adapter.RunHandshakeAsync(cts.Token).WaitAsync(s_timeout);
        await server.WaitAsync(s_timeout);

        Assert.True(client.IsHandshakeComplete);
        Assert.Equal("h3", client.ApplicationProtocol);
        Assert.Equal((CipherSuite)suite, client.CipherSuite);
        Assert.Equal(group, client.KeyExchangeGroup);
        Assert.Equal(cert.RawData, client.PeerCertificate!.RawData);
        Assert.Equal("localhost", ssl.TargetHostName);
        Assert.Equal(requestClientCertificate, ((TlsClientSession)client).CertificateRequested);

        await ssl.WriteAsync(Encoding.ASCII.GetBytes("hello"), cts.Token).AsTask().WaitAsync(s_timeout);
        Assert.Equal("hello", Encoding.ASCII.GetString(await adapter.ReadApplicationDataAsync(cts.Token).WaitAsync(s_timeout)));
        await adapter.WriteApplicationDataAsync(Encoding.ASCII.GetBytes("world"), cts.Token).WaitAsync(s_timeout);
        byte[] buffer = new byte[16];
        int n = await ssl.ReadAsync(buffer, cts.Token).AsTask().WaitAsync(s_timeout);
        Assert.Equal("world", Encoding.ASCII.GetString(buffer, 0, n));
    }
}
