using Microsoft.Extensions.Logging;
using MoqLive.Quic.Core;
using MoqLive.Quic.Tls;

namespace MoqLive.Http3.WebTransport;

/// <summary>Options of a <see cref="WebTransportClient"/>; immutable, change with <c>with</c>.</summary>
public sealed record WebTransportClientOptions
{
    /// <summary>
    /// How the server certificate is checked: chain and host name (default), or pinned SHA-256 hashes of the leaf
    /// (<see cref="PinnedCertificateSha256"/>), as a page's <c>serverCertificateHashes</c> does.
    /// </summary>
    public TlsCertificateValidation CertificateValidation { get; init; } = TlsCertificateValidation.Chain;

    /// <summary>Accepted SHA-256 hashes of the leaf certificate for <see cref="TlsCertificateValidation.PinnedSha256"/>. Default: none.</summary>
    public IReadOnlyList<byte[]> PinnedCertificateSha256 { get; init; } = [];

    /// <summary>QUIC transport settings. Default null: <see cref="Quic.QuicDefaults.ConnectionOptions"/> (datagrams enabled).</summary>
    public ConnectionOptions? ConnectionOptions { get; init; }

    /// <summary>HTTP/3 settings; WebTransport's client SETTINGS are added to them. Default: <see cref="Http3ConnectionOptions.Default"/>.</summary>
    public Http3ConnectionOptions Http3 { get; init; } = Http3ConnectionOptions.Default;

    /// <summary>Clock for QUIC timers and certificate validity. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Logging. Default null: no logs.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
