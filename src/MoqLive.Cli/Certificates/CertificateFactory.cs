using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MoqLive.Cli.Certificates;

/// <summary>
/// Self-signed development certificates that browsers accept through WebTransport
/// <c>serverCertificateHashes</c> (specs/NOTES.md): ECDSA P-256, at most 14 days valid, SANs for loopback.
/// </summary>
/// <remarks>
/// Temporary home: the QUIC/TLS work (branch <c>quic-tls</c>) is adding a certificate helper under
/// <c>src/MoqLive.Quic/Tls</c>; once it lands the CLI should call that and this type goes away.
/// </remarks>
internal static class CertificateFactory
{
    /// <summary>Chromium refuses hash-pinned certificates valid for longer than 14 days (W3C WebTransport §"serverCertificateHashes").</summary>
    public const int MaxValidityDays = 14;

    // Backdating covers clock skew between the machine that creates the certificate and the browser.
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Creates a self-signed certificate with its private key, valid from <paramref name="now"/> minus five minutes
    /// for <paramref name="validityDays"/> days in total, for localhost, 127.0.0.1, ::1 and <paramref name="extraNames"/>.
    /// </summary>
    public static X509Certificate2 CreateSelfSigned(DateTimeOffset now, int validityDays = MaxValidityDays, IEnumerable<string>? extraNames = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(validityDays, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(validityDays, MaxValidityDays);

        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));

        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        foreach (string name in extraNames ?? [])
        {
            if (IPAddress.TryParse(name, out IPAddress? address))
                names.AddIpAddress(address);
            else
                names.AddDnsName(name);
        }

        request.CertificateExtensions.Add(names.Build());

        // X.509 times have one-second precision; truncate so NotAfter - NotBefore is exactly the validity.
        DateTimeOffset notBefore = now - Backdate;
        notBefore = notBefore.AddTicks(-(notBefore.Ticks % TimeSpan.TicksPerSecond));
        return request.CreateSelfSigned(notBefore, notBefore.AddDays(validityDays));
    }

    /// <summary>Writes the certificate and its PKCS#8 private key as PEM; the key file is readable by the owner only.</summary>
    public static async Task WritePemFilesAsync(X509Certificate2 certificate, string certPath, string keyPath, CancellationToken cancellationToken = default)
    {
        using ECDsa key = certificate.GetECDsaPrivateKey()
            ?? throw new ArgumentException("The certificate has no ECDSA private key.", nameof(certificate));

        await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem() + "\n", cancellationToken).ConfigureAwait(false);

        var keyOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            keyOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using var keyStream = new FileStream(keyPath, keyOptions);
        await using var writer = new StreamWriter(keyStream);
        await writer.WriteAsync((key.ExportPkcs8PrivateKeyPem() + "\n").AsMemory(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>SHA-256 of the certificate's DER encoding, lowercase hex: what <c>serverCertificateHashes</c> pins.</summary>
    public static string Sha256Hex(X509Certificate2 certificate) =>
        Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
}
