using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MoqLive.Quic.Tls.Internal;

namespace MoqLive.Quic.Tls;

/// <summary>
/// A server certificate chain (leaf first) and the leaf's private key (ECDSA or RSA). The key is held directly
/// rather than through the platform certificate store, so PEM files work the same everywhere.
/// </summary>
public sealed class TlsServerCertificate : IDisposable
{
    // Written at most once per thread that races to it; every value is the same.
    private byte[]? _certificateMessageBody;

    private TlsServerCertificate(IReadOnlyList<X509Certificate2> chain, AsymmetricAlgorithm privateKey)
    {
        if (chain.Count == 0)
        {
            throw new ArgumentException("The certificate chain is empty.", nameof(chain));
        }

        if (privateKey is not (ECDsa or RSA))
        {
            throw new ArgumentException("Only ECDSA and RSA keys are supported.", nameof(privateKey));
        }

        Chain = chain;
        PrivateKey = privateKey;
    }

    /// <summary>The chain sent in the Certificate message, leaf first.</summary>
    public IReadOnlyList<X509Certificate2> Chain { get; }

    /// <summary>The leaf certificate.</summary>
    public X509Certificate2 Leaf => Chain[0];

    /// <summary>The leaf's private key: <see cref="ECDsa"/> or <see cref="RSA"/>.</summary>
    public AsymmetricAlgorithm PrivateKey { get; }

    /// <summary>
    /// The body of the Certificate handshake message for <see cref="Chain"/> (RFC 8446 §4.4.2), the same in every
    /// handshake: encoded once (<see cref="X509Certificate2.RawData"/> copies the DER on every call).
    /// </summary>
    internal byte[] CertificateMessageBody => _certificateMessageBody ??= EncodeCertificateMessage(Chain);

    /// <summary>SHA-256 of the leaf's DER encoding (what WebTransport serverCertificateHashes and pinning compare).</summary>
    public byte[] LeafSha256 => SHA256.HashData(Leaf.RawData);

    /// <summary>Loads a PEM chain (leaf first, then intermediates) and a PEM private key (PKCS#8, SEC1 or PKCS#1).</summary>
    public static TlsServerCertificate FromPem(string certificatePem, string privateKeyPem)
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(certificatePem);
        if (chain.Count == 0)
        {
            throw new ArgumentException("No CERTIFICATE block found in the certificate PEM.", nameof(certificatePem));
        }

        AsymmetricAlgorithm key = LoadKey(chain[0], privateKeyPem);
        return new TlsServerCertificate([.. chain], key);
    }

    /// <summary>Loads <see cref="FromPem"/> input from files.</summary>
    public static TlsServerCertificate FromPemFiles(string certificatePath, string privateKeyPath) =>
        FromPem(File.ReadAllText(certificatePath), File.ReadAllText(privateKeyPath));

    /// <summary>Uses a certificate that carries its private key, plus optional intermediates.</summary>
    public static TlsServerCertificate FromCertificate(X509Certificate2 leafWithKey, IEnumerable<X509Certificate2>? intermediates = null)
    {
        ArgumentNullException.ThrowIfNull(leafWithKey);
        AsymmetricAlgorithm key = (AsymmetricAlgorithm?)leafWithKey.GetECDsaPrivateKey() ?? leafWithKey.GetRSAPrivateKey()
            ?? throw new ArgumentException("The certificate has no ECDSA or RSA private key.", nameof(leafWithKey));
        List<X509Certificate2> chain = [leafWithKey, .. intermediates ?? []];
        return new TlsServerCertificate(chain, key);
    }

    public void Dispose() => PrivateKey.Dispose();

    private static byte[] EncodeCertificateMessage(IReadOnlyList<X509Certificate2> chain)
    {
        var body = new TlsWriter();
        CertificateMessage.Write(body, chain);
        return body.ToArray();
    }

    private static AsymmetricAlgorithm LoadKey(X509Certificate2 leaf, string privateKeyPem)
    {
        using ECDsa? ecPublic = leaf.GetECDsaPublicKey();
        if (ecPublic is not null)
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(privateKeyPem);
            return ecdsa;
        }

        using RSA? rsaPublic = leaf.GetRSAPublicKey();
        if (rsaPublic is not null)
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(privateKeyPem);
            return rsa;
        }

        throw new ArgumentException("The leaf certificate's key is neither ECDSA nor RSA.", nameof(leaf));
    }
}
