using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using MoqLive.Quic.Tls;

namespace MoqLive.Server;

/// <summary>
/// The server's certificate: loaded from PEM files, or a development certificate (ECDSA P-256, 13 days, see
/// <see cref="SelfSignedCertificate"/>) created at start and replaced <see cref="MoqLiveServerDefaults.DevCertificateRenewBefore"/>
/// before it expires. Kestrel reads <see cref="Current"/> per TLS handshake; QUIC listeners are told through <see cref="Renewed"/>.
/// </summary>
public sealed class ServerCertificateProvider : IDisposable
{
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ITimer? _renewTimer;
    private volatile Snapshot _current;

    private ServerCertificateProvider(Snapshot initial, bool isDevelopment, TimeProvider timeProvider, ILogger logger)
    {
        _current = initial;
        IsDevelopment = isDevelopment;
        _timeProvider = timeProvider;
        _logger = logger;
        if (isDevelopment)
        {
            // Checked hourly: a timer due in ~12 days would exceed what some timer implementations accept in one step.
            _renewTimer = timeProvider.CreateTimer(static s => ((ServerCertificateProvider)s!).RenewIfDue(), this, TimeSpan.FromHours(1), TimeSpan.FromHours(1));
        }
    }

    /// <summary>True when the certificate was generated (no PEM files configured).</summary>
    public bool IsDevelopment { get; }

    /// <summary>The certificate with its private key (for Kestrel).</summary>
    public X509Certificate2 Current => _current.Certificate;

    /// <summary>The same certificate for the QUIC stack.</summary>
    public TlsServerCertificate CurrentTls => _current.Tls;

    /// <summary>SHA-256 of the leaf's DER: what WebTransport <c>serverCertificateHashes</c> pins.</summary>
    public byte[] Sha256 => _current.Sha256;

    /// <summary>Raised after a development certificate was replaced.</summary>
    public event Action<ServerCertificateProvider>? Renewed;

    /// <summary>Loads the configured PEM files, or creates a development certificate.</summary>
    public static ServerCertificateProvider Create(MoqLiveServerOptions options, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.CertificatePath is { } certPath && options.PrivateKeyPath is { } keyPath)
        {
            var certificate = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            var tls = TlsServerCertificate.FromPemFiles(certPath, keyPath);
            return new ServerCertificateProvider(new Snapshot(certificate, tls), false, timeProvider, logger);
        }

        return new ServerCertificateProvider(CreateDevelopment(timeProvider), true, timeProvider, logger);
    }

    /// <summary>Replaces a development certificate that expires within <see cref="MoqLiveServerDefaults.DevCertificateRenewBefore"/>.</summary>
    internal bool RenewIfDue()
    {
        if (!IsDevelopment)
            return false;
        Snapshot old = _current;
        if (_timeProvider.GetUtcNow() < new DateTimeOffset(old.Certificate.NotAfter.ToUniversalTime()) - MoqLiveServerDefaults.DevCertificateRenewBefore)
            return false;
        _current = CreateDevelopment(_timeProvider);
        Log.CertificateRenewed(_logger, Convert.ToHexStringLower(_current.Sha256));
        Renewed?.Invoke(this);
        // The old certificate stays usable by handshakes in flight; it is garbage collected.
        return true;
    }

    /// <inheritdoc />
    public void Dispose() => _renewTimer?.Dispose();

    private static Snapshot CreateDevelopment(TimeProvider timeProvider)
    {
        X509Certificate2 certificate = SelfSignedCertificate.Create(timeProvider.GetUtcNow());
        return new Snapshot(certificate, TlsServerCertificate.FromCertificate(certificate));
    }

    private sealed record Snapshot(X509Certificate2 Certificate, TlsServerCertificate Tls)
    {
        public byte[] Sha256 { get; } = SHA256.HashData(Certificate.RawData);
    }
}
