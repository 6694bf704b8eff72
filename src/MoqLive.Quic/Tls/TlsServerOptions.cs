namespace MoqLive.Quic.Tls;

/// <summary>Server-side TLS 1.3 settings for QUIC connections.</summary>
public sealed class TlsServerOptions
{
    /// <summary>The certificate chain and private key. Required.</summary>
    public TlsServerCertificate? Certificate { get; set; }

    /// <summary>
    /// ALPN protocols this server accepts, in preference order (e.g. "h3", "moqt-19"). The server picks the first
    /// of these that the client also offers; no overlap fails with no_application_protocol (QUIC error 0x178).
    /// Required, at least one.
    /// </summary>
    public IList<string> ApplicationProtocols { get; set; } = [];

    /// <summary>
    /// Receives the handshake and traffic secrets as NSS key log lines (the SSLKEYLOGFILE format Wireshark reads),
    /// for debugging interop. Default null. Never enable it in production: the lines decrypt the connection.
    /// </summary>
    public Action<string>? KeyLog { get; set; }

    /// <summary>Test hook: cipher suites the server accepts (default all three).</summary>
    internal ushort[]? CipherSuitesOverride { get; set; }

    /// <summary>Test hook: named groups the server accepts (default X25519 and secp256r1).</summary>
    internal ushort[]? SupportedGroupsOverride { get; set; }

    /// <summary>Test hook for plain TLS peers: accept a ClientHello without quic_transport_parameters and then send none.</summary>
    internal bool TransportParametersOptional { get; set; }

    internal void Validate()
    {
        if (Certificate is null)
        {
            throw new ArgumentException("TlsServerOptions.Certificate is required.", nameof(Certificate));
        }

        if (ApplicationProtocols.Count == 0)
        {
            throw new ArgumentException("TlsServerOptions.ApplicationProtocols needs at least one protocol.", nameof(ApplicationProtocols));
        }

        TlsClientOptions.ValidateAlpn(ApplicationProtocols);
    }
}
