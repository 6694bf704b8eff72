using System.Security.Cryptography.X509Certificates;

namespace MoqLive.Quic.Tls;

/// <summary>Client-side TLS 1.3 settings for QUIC connections.</summary>
public sealed class TlsClientOptions
{
    /// <summary>
    /// The server's host name: sent as SNI (unless it is an IP address literal) and matched against the
    /// certificate in <see cref="TlsCertificateValidation.Chain"/> mode. Default null (no SNI, no name check
    /// possible in Chain mode).
    /// </summary>
    public string? ServerName { get; set; }

    /// <summary>ALPN protocols to offer, in preference order. Required, at least one.</summary>
    public IList<string> ApplicationProtocols { get; set; } = [];

    /// <summary>How the server certificate is checked. Default <see cref="TlsCertificateValidation.Chain"/>.</summary>
    public TlsCertificateValidation CertificateValidation { get; set; } = TlsCertificateValidation.Chain;

    /// <summary>SHA-256 hashes of accepted leaf certificates (DER) for <see cref="TlsCertificateValidation.PinnedSha256"/>.</summary>
    public IList<byte[]> PinnedCertificateSha256 { get; set; } = [];

    /// <summary>
    /// Trust anchors for <see cref="TlsCertificateValidation.Chain"/>. When non-empty they replace the system
    /// root store (X509ChainTrustMode.CustomRootTrust). Default empty: system roots.
    /// </summary>
    public X509Certificate2Collection TrustedRoots { get; set; } = [];

    /// <summary>Clock for certificate validity checks. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Receives the handshake and traffic secrets as NSS key log lines (the SSLKEYLOGFILE format Wireshark reads),
    /// for debugging interop. Default null. Never enable it in production: the lines decrypt the connection.
    /// </summary>
    public Action<string>? KeyLog { get; set; }

    /// <summary>Test hook: cipher suites to offer, in order (default 0x1301, 0x1302, 0x1303).</summary>
    internal ushort[]? CipherSuitesOverride { get; set; }

    /// <summary>Test hook: supported_groups to offer (default X25519, secp256r1).</summary>
    internal ushort[]? SupportedGroupsOverride { get; set; }

    /// <summary>Test hook: groups to send key shares for in the first ClientHello (default X25519).</summary>
    internal ushort[]? KeyShareGroupsOverride { get; set; }

    /// <summary>Test hook: extra key_share entries (group, bytes) placed first, e.g. GREASE or X25519MLKEM768.</summary>
    internal List<(ushort Group, byte[] KeyExchange)> ExtraKeyShares { get; } = [];

    /// <summary>Test hook: extra extensions (type, data) placed first, e.g. GREASE or ALPS.</summary>
    internal List<(ushort Type, byte[] Data)> ExtraExtensions { get; } = [];

    /// <summary>Test hook for plain TLS peers: accept EncryptedExtensions without quic_transport_parameters.</summary>
    internal bool TransportParametersOptional { get; set; }

    internal void Validate()
    {
        if (ApplicationProtocols.Count == 0)
        {
            throw new ArgumentException("TlsClientOptions.ApplicationProtocols needs at least one protocol.", nameof(ApplicationProtocols));
        }

        ValidateAlpn(ApplicationProtocols);
        if (CertificateValidation == TlsCertificateValidation.PinnedSha256 && PinnedCertificateSha256.Count == 0)
        {
            throw new ArgumentException("PinnedSha256 validation needs at least one hash in PinnedCertificateSha256.", nameof(PinnedCertificateSha256));
        }

        if (CertificateValidation == TlsCertificateValidation.Chain && string.IsNullOrEmpty(ServerName))
        {
            throw new ArgumentException("Chain validation needs ServerName to check the certificate against.", nameof(ServerName));
        }

        if (PinnedCertificateSha256.Any(h => h is null || h.Length != 32))
        {
            throw new ArgumentException("Each pinned hash must be 32 bytes (SHA-256).", nameof(PinnedCertificateSha256));
        }
    }

    internal static void ValidateAlpn(IEnumerable<string> protocols)
    {
        foreach (string p in protocols)
        {
            int length = System.Text.Encoding.ASCII.GetByteCount(p ?? string.Empty);
            if (length is 0 or > 255)
            {
                throw new ArgumentException("ALPN protocol names must be 1..255 bytes.", nameof(protocols));
            }
        }
    }
}
