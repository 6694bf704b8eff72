namespace MoqLive.Http3.WebTransport;

/// <summary>Options for a <see cref="WebTransportListener"/>.</summary>
public sealed record WebTransportListenerOptions
{
    /// <summary>
    /// Protocols we speak, most preferred first (e.g. <c>moqt-19</c>), matched against <c>wt-available-protocols</c>
    /// and answered in <c>wt-protocol</c>. A client that offers protocols but none of these is refused with 400; a
    /// client that offers none (a page that passes no <c>protocols</c>) is accepted without one. Empty: accept any
    /// session and negotiate nothing. Default: empty.
    /// </summary>
    public IReadOnlyList<string> Protocols { get; init; } = [];

    /// <summary>
    /// Origins (<c>scheme://host[:port]</c>) whose pages may open sessions; a request with another <c>origin</c> is
    /// refused with 403 (W3C WebTransport: browsers always send <c>origin</c>; the server decides). Requests without
    /// an <c>origin</c> (native clients) are accepted. Empty: any origin. Default: empty.
    /// </summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>Sessions accepted but not yet taken by <see cref="WebTransportListener.AcceptSessionAsync"/>; beyond it, new sessions are refused with 503. Default: 16.</summary>
    public int AcceptQueueCapacity { get; init; } = 16;
}
