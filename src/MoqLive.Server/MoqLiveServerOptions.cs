namespace MoqLive.Server;

/// <summary>
/// Settings of a <see cref="MoqLiveServer"/>, bound from configuration (appsettings.json, then <c>MOQLIVE_</c>
/// environment variables, then command-line flags; see <see cref="MoqLiveServerConfiguration"/>). Plain mutable POCO
/// for the configuration binder; validated once by <see cref="MoqLiveServerOptionsValidator"/>.
/// </summary>
public sealed class MoqLiveServerOptions
{
    /// <summary>
    /// Address and port to listen on, e.g. <c>127.0.0.1:4443</c> or <c>[::]:4443</c> (all interfaces, dual-stack). The
    /// same port number is used twice: UDP for QUIC (ALPN <c>h3</c> and <c>moqt-19</c>) and TCP for the HTTPS site.
    /// Port 0 picks a free UDP port and uses its number for TCP too. Default <see cref="MoqLiveServerDefaults.Listen"/>.
    /// </summary>
    public string Listen { get; set; } = MoqLiveServerDefaults.Listen;

    /// <summary>
    /// PEM certificate chain (leaf first). Default null: a development certificate (ECDSA P-256, 13 days, for
    /// localhost/127.0.0.1/::1) is created at start, renewed a day before it expires, and its SHA-256 is served at
    /// <c>/certificate.sha256</c> for WebTransport <c>serverCertificateHashes</c>.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="CertificatePath"/>. Required when it is set. Default null.</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>
    /// Path of WebTransport sessions that carry MOQT: an extended CONNECT to this path whose <c>wt-available-protocols</c>
    /// offer <c>moqt-19</c> (or offer nothing) becomes a MOQT session. Other paths get 404. Raw QUIC MOQT
    /// (ALPN <c>moqt-19</c>) accepts any PATH setup option. Default <see cref="MoqLiveServerDefaults.MoqtPath"/>.
    /// </summary>
    public string MoqtPath { get; set; } = MoqLiveServerDefaults.MoqtPath;

    /// <summary>
    /// Origins (e.g. <c>https://localhost:4443</c>) allowed to open WebTransport sessions. Empty (the default) allows
    /// every origin, and requests without an origin header (native clients) are always allowed.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Validate every QUIC client's address with a Retry round trip before keeping state for it (RFC 9000 §8.1.2,
    /// <see cref="Quic.QuicListenerOptions.RequireRetry"/>): protects against spoofed-source floods at the cost of one
    /// round trip per connection. Default false.
    /// </summary>
    public bool RequireRetry { get; set; }

    /// <summary>
    /// Folder of static files (the web apps) served by the HTTPS site. Default null: <c>wwwroot</c> next to the
    /// executable if it exists, else no static files.
    /// </summary>
    public string? WebRoot { get; set; }

    /// <summary>Per-track relay cache: most groups kept. Default <see cref="MoqLiveServerDefaults.CacheMaxGroups"/>.</summary>
    public int CacheMaxGroups { get; set; } = MoqLiveServerDefaults.CacheMaxGroups;

    /// <summary>Per-track relay cache: most payload bytes kept. Default <see cref="MoqLiveServerDefaults.CacheMaxBytes"/> (64 MiB).</summary>
    public long CacheMaxBytes { get; set; } = MoqLiveServerDefaults.CacheMaxBytes;

    /// <summary>Per-track relay cache: groups older than this many seconds are evicted; 0 keeps them. Default <see cref="MoqLiveServerDefaults.CacheMaxAgeSeconds"/>.</summary>
    public double CacheMaxAgeSeconds { get; set; } = MoqLiveServerDefaults.CacheMaxAgeSeconds;

    /// <summary>Groups a downstream subscriber may lag before it loses whole groups. Default <see cref="MoqLiveServerDefaults.MaxSubscriberLagGroups"/>.</summary>
    public int MaxSubscriberLagGroups { get; set; } = MoqLiveServerDefaults.MaxSubscriberLagGroups;

    /// <summary>
    /// Lets <c>GET /api/stats?gc=full</c> run a full, blocking, compacting garbage collection first and report the live
    /// managed heap (<c>process.gcLiveBytes</c>): what <c>moqlive bench fanout</c> divides by the subscriber count.
    /// Default false: a request that stops the process for a collection is not for public servers.
    /// </summary>
    public bool HeapDiagnostics { get; set; }

    /// <summary>
    /// Before the server counts as started, open one WebTransport MOQT session to itself over loopback and close it, so
    /// the first client's session does not wait for .NET to compile the QUIC, TLS, HTTP/3 and MOQT code it runs (1.7 s of
    /// a 2.3 s first browser session on a loaded machine; BENCHMARKS.md). Costs about that much start-up time, and counts as
    /// one session in <c>/api/stats</c> (<c>sessions.total</c>). Default true.
    /// </summary>
    public bool WarmUp { get; set; } = true;
}
