namespace MoqLive.Http3.WebTransport;

/// <summary>Options for a <see cref="WebTransportListener"/>.</summary>
public sealed record WebTransportListenerOptions
{
    /// <summary>
    /// Protocols we speak, most preferred first (e.g. <c>moqt-19</c>), matched against <c>wt-available-protocols</c>
    /// and answered in <c>wt-protocol</c>. Empty: accept any session and negotiate nothing. Default: empty.
    /// </summary>
    public IReadOnlyList<string> Protocols { get; init; } = [];

    /// <summary>Sessions accepted but not yet taken by <see cref="WebTransportListener.AcceptSessionAsync"/>; beyond it, new sessions are closed. Default: 16.</summary>
    public int AcceptQueueCapacity { get; init; } = 16;
}
