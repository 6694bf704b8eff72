namespace MoqLive.Server;

/// <summary>Default values of <see cref="MoqLiveServerOptions"/>.</summary>
public static class MoqLiveServerDefaults
{
    /// <summary>Loopback only, port 4443 (UDP for QUIC, TCP for HTTPS).</summary>
    public const string Listen = "127.0.0.1:4443";

    /// <summary>WebTransport path of MOQT sessions.</summary>
    public const string MoqtPath = "/moq";

    /// <summary>Relay cache groups per track (as <c>MoqtRelayOptions</c>).</summary>
    public const int CacheMaxGroups = 16;

    /// <summary>Relay cache bytes per track: 64 MiB (as <c>MoqtRelayOptions</c>).</summary>
    public const long CacheMaxBytes = 64L * 1024 * 1024;

    /// <summary>Relay cache age: 30 s (as <c>MoqtRelayOptions</c>).</summary>
    public const double CacheMaxAgeSeconds = 30;

    /// <summary>Subscriber lag bound in groups (as <c>MoqtRelayOptions</c>).</summary>
    public const int MaxSubscriberLagGroups = 4;

    /// <summary>
    /// Unacknowledged bytes a relay connection may buffer across its streams: 1 MiB (QUIC's default is 8 MiB). A
    /// subscriber that stops reading pins at most this much until its groups go stale and their streams are reset; that
    /// is still several groups of a 1–6 Mbit/s track and many round trips of data on any path.
    /// </summary>
    public const ulong ConnectionSendBufferBytes = 1024 * 1024;

    /// <summary>
    /// The relay PINGs a connection after this much quiet (RFC 9000 §10.1.2), so a publisher nobody watches yet, or a
    /// viewer of a paused channel, is not closed by the 30 s idle timeout.
    /// </summary>
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// An HTTP/3 connection is closed once it has had no request and no WebTransport session for this long
    /// (<see cref="Http3.Http3ConnectionOptions.IdleCloseDelay"/>): Chromium drops a WebTransport session's connection
    /// without telling the server when the page closes the session, so the relay would otherwise keep it, and resend to
    /// it, for the 30 s idle timeout.
    /// </summary>
    public static readonly TimeSpan Http3IdleCloseDelay = TimeSpan.FromSeconds(2);

    /// <summary>A development certificate is replaced this long before it expires.</summary>
    public static readonly TimeSpan DevCertificateRenewBefore = TimeSpan.FromDays(1);

    /// <summary>How long the start-up warm-up session (<see cref="MoqLiveServerOptions.WarmUp"/>) may take before it is abandoned.</summary>
    public static readonly TimeSpan WarmUpTimeout = TimeSpan.FromSeconds(30);
}
