using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MoqLive.Quic.Tls;

/// <summary>
/// Development certificates that browsers accept through WebTransport <c>serverCertificateHashes</c>: ECDSA
/// P-256, valid at most 14 days, for localhost, 127.0.0.1 and ::1 (W3C WebTransport, "custom certificate
/// requirements"). Also exports and loads them as PEM and computes the pinned SHA-256.
/// </summary>
public static class SelfSignedCertificate
{
    /// <summary>Longest validity serverCertificateHashes allows.</summary>
    public static readonly TimeSpan MaxValidity = TimeSpan.FromDays(14);

    /// <summary>Validity used when none is given: a day under the limit, so clock skew and rounding never exceed it.</summary>
    public static readonly TimeSpan DefaultValidity = TimeSpan.FromDays(13);

    /// <summary>Names the certificate covers by default.</summary>
    public static readonly IReadOnlyList<string> DefaultNames = ["localhost", "127.0.0.1", "::1"];

    /// <summary>
    /// Creates an ECDSA P-256 self-signed certificate with its private key, valid from <paramref name="now"/>
    /// minus one hour for <paramref name="validity"/> in total (default 13 days, at most 14). Names that parse as
    /// IP addresses become iPAddress SANs, the rest dNSName SANs.
    /// </summary>
    public static X509Certificate2 Create(DateTimeOffset now, TimeSpan? validity = null, IEnumerable<string>? names = null)
    {
        TimeSpan lifetime = validity ?? DefaultValidity;
        if (lifetime <= TimeSpan.Zero || lifetime > MaxValidity)
        {
            throw new ArgumentOutOfRangeException(nameof(validity), lifetime, "Validity must be positive and at most 14 days.");
        }

        List<string> sanNames = [.. names ?? DefaultNames];
        if (sanNames.Count == 0)
        {
            throw new ArgumentException("At least one name is required.", nameof(names));
        }

        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + sanNames[0], key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (string name in sanNames)
        {
            if (IPAddress.TryParse(name, out IPAddress? ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));

        DateTimeOffset notBefore = now - TimeSpan.FromHours(1);
        return request.CreateSelfSigned(notBefore, notBefore + lifetime);
    }

    /// <summary>SHA-256 of the certificate's DER encoding.</summary>
    public static byte[] ComputeSha256(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return SHA256.HashData(certificate.RawData);
    }

    /// <summary>The certificate as a PEM CERTIFICATE block.</summary>
    public static string ExportCertificatePem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.ExportCertificatePem();
    }

    /// <summary>The certificate's private key as a PEM PKCS#8 PRIVATE KEY block.</summary>
    public static string ExportPrivateKeyPem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using ECDsa key = certificate.GetECDsaPrivateKey()
            ?? throw new ArgumentException("The certificate has no ECDSA private key.", nameof(certificate));
        return key.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>Writes the certificate and key PEM files (the key file is created readable by the owner only where supported).</summary>
    public static void WritePemFiles(X509Certificate2 certificate, string certificatePath, string privateKeyPath)
    {
        File.WriteAllText(certificatePath, ExportCertificatePem(certificate));
        string keyPem = ExportPrivateKeyPem(certificate);
        if (OperatingSystem.IsWindows())
        {
            File.WriteAllText(privateKeyPath, keyPem);
        }
        else
        {
            using var stream = new FileStream(privateKeyPath, new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            using var writer = new StreamWriter(stream);
            writer.Write(keyPem);
        }
    }

    /// <summary>Loads a certificate with its private key from PEM files.</summary>
    public static X509Certificate2 LoadPemFiles(string certificatePath, string privateKeyPath) =>
        X509Certificate2.CreateFromPemFile(certificatePath, privateKeyPath);
}
