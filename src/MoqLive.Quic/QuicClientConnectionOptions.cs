using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using MoqLive.Quic.Core;
using MoqLive.Quic.Tls;

namespace MoqLive.Quic;

/// <summary>Settings of an outgoing <see cref="QuicConnection"/>.</summary>
public sealed class QuicClientConnectionOptions
{
    /// <summary>The server: an <see cref="IPEndPoint"/>, or a <see cref="DnsEndPoint"/> resolved at connect time. Required.</summary>
    public EndPoint? RemoteEndPoint { get; set; }

    /// <summary>
    /// The server of a URL (<c>https://</c>, <c>moqt://</c>): its host, an address literal or a name resolved at connect
    /// time, and its port, 443 when the URL has none.
    /// </summary>
    public static EndPoint RemoteEndPointOf(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        int port = url.Port > 0 ? url.Port : 443;
        return IPAddress.TryParse(url.IdnHost, out IPAddress? address) ? new IPEndPoint(address, port) : new DnsEndPoint(url.IdnHost, port);
    }

    /// <summary>
    /// Host name for SNI and the certificate name check. Default null: the <see cref="DnsEndPoint"/> host, if any.
    /// </summary>
    public string? ServerName { get; set; }

    /// <summary>ALPN protocols offered, in preference order. Required, at least one.</summary>
    public IList<string> ApplicationProtocols { get; set; } = [];

    /// <summary>
    /// How the server certificate is checked: chain and host name (default), pinned SHA-256 hashes
    /// (<see cref="PinnedCertificateSha256"/>), or not at all (development only).
    /// </summary>
    public TlsCertificateValidation CertificateValidation { get; set; } = TlsCertificateValidation.Chain;

    /// <summary>Accepted SHA-256 hashes of the leaf certificate's DER for <see cref="TlsCertificateValidation.PinnedSha256"/>.</summary>
    public IList<byte[]> PinnedCertificateSha256 { get; set; } = [];

    /// <summary>Trust anchors replacing the system roots for <see cref="TlsCertificateValidation.Chain"/>. Default empty: system roots.</summary>
    public X509Certificate2Collection TrustedRoots { get; set; } = [];

    /// <summary>Local address to bind. Default null: any address of the remote's family, a free port.</summary>
    public IPEndPoint? LocalEndPoint { get; set; }

    /// <summary>Transport settings. Default null: <see cref="QuicDefaults.ConnectionOptions"/>.</summary>
    public ConnectionOptions? ConnectionOptions { get; set; }

    /// <summary>Time the handshake may take. Default <see cref="QuicDefaults.HandshakeTimeout"/>.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = QuicDefaults.HandshakeTimeout;

    /// <summary>Clock for timers and certificate validity. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Logging. Default null: no logs.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Receives TLS secrets as NSS key log lines for Wireshark (debugging only). Default null.</summary>
    public Action<string>? KeyLog { get; set; }

    internal void Validate()
    {
        if (RemoteEndPoint is null)
            throw new ArgumentException("QuicClientConnectionOptions.RemoteEndPoint is required.", nameof(RemoteEndPoint));
        if (ApplicationProtocols.Count == 0)
            throw new ArgumentException("QuicClientConnectionOptions.ApplicationProtocols needs at least one protocol.", nameof(ApplicationProtocols));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HandshakeTimeout, TimeSpan.Zero, nameof(HandshakeTimeout));
    }

    internal TlsClientOptions ToTlsOptions(string? serverName) => new()
    {
        ServerName = serverName,
        ApplicationProtocols = [.. ApplicationProtocols],
        CertificateValidation = CertificateValidation,
        PinnedCertificateSha256 = [.. PinnedCertificateSha256],
        TrustedRoots = TrustedRoots,
        TimeProvider = TimeProvider,
        KeyLog = KeyLog,
    };
}
