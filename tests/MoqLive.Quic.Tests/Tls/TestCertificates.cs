using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MoqLive.Quic.Tls;

namespace MoqLive.Quic.Tests.Tls;

/// <summary>Certificates shared by the TLS tests, created once per test run.</summary>
internal static class TestCertificates
{
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<X509Certificate2> s_ecdsa = new(() => SelfSignedCertificate.Create(Now));
    private static readonly Lazy<X509Certificate2> s_rsa = new(CreateRsa);
    private static readonly Lazy<(X509Certificate2 Root, X509Certificate2 Leaf)> s_caSigned = new(CreateCaSigned);

    /// <summary>ECDSA P-256 self-signed for localhost/127.0.0.1/::1.</summary>
    public static X509Certificate2 Ecdsa => s_ecdsa.Value;

    /// <summary>RSA 2048 self-signed for localhost.</summary>
    public static X509Certificate2 Rsa => s_rsa.Value;

    /// <summary>A test root CA and a leaf for "example.test" it signed.</summary>
    public static (X509Certificate2 Root, X509Certificate2 Leaf) CaSigned => s_caSigned.Value;

    public static TlsServerOptions ServerOptions(X509Certificate2? certificate = null, params string[] alpn) => new()
    {
        Certificate = TlsServerCertificate.FromCertificate(certificate ?? Ecdsa),
        ApplicationProtocols = alpn.Length == 0 ? ["moqt-19", "h3"] : alpn,
    };

    public static TlsClientOptions PinnedClientOptions(X509Certificate2? certificate = null, params string[] alpn) => new()
    {
        ServerName = "localhost",
        ApplicationProtocols = alpn.Length == 0 ? ["h3"] : alpn,
        CertificateValidation = TlsCertificateValidation.PinnedSha256,
        PinnedCertificateSha256 = [SHA256.HashData((certificate ?? Ecdsa).RawData)],
    };

    private static X509Certificate2 CreateRsa()
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSelfSigned(Now.AddDays(-1), Now.AddDays(10));
    }

    private static (X509Certificate2, X509Certificate2) CreateCaSigned()
    {
        using ECDsa rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=MoqLive Test Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        X509Certificate2 root = rootRequest.CreateSelfSigned(Now.AddDays(-30), Now.AddDays(365));

        using ECDsa leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=example.test", leafKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("example.test");
        leafRequest.CertificateExtensions.Add(san.Build());
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using X509Certificate2 leafPublic = leafRequest.Create(root, Now.AddDays(-1), Now.AddDays(30), [1, 2, 3, 4, 5, 6, 7, 8]);
        return (root, leafPublic.CopyWithPrivateKey(leafKey));
    }
}

/// <summary>A clock fixed at one instant, for certificate validity checks.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
