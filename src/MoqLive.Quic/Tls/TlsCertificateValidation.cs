namespace MoqLive.Quic.Tls;

/// <summary>How a client checks the server's certificate.</summary>
public enum TlsCertificateValidation
{
    /// <summary>
    /// Build a chain with <see cref="System.Security.Cryptography.X509Certificates.X509Chain"/> (system roots, or
    /// <see cref="TlsClientOptions.TrustedRoots"/> when set) and match <see cref="TlsClientOptions.ServerName"/>
    /// against the leaf's subject alternative names.
    /// </summary>
    Chain = 0,

    /// <summary>
    /// Accept the leaf only if its DER SHA-256 is in <see cref="TlsClientOptions.PinnedCertificateSha256"/>
    /// (like WebTransport serverCertificateHashes). No chain or name check.
    /// </summary>
    PinnedSha256 = 1,

    /// <summary>Accept any certificate (the CLI's --insecure). The CertificateVerify signature is still checked.</summary>
    None = 2,
}
