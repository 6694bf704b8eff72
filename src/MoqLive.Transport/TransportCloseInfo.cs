namespace MoqLive.Transport;

/// <summary>How a session ended.</summary>
/// <param name="ErrorCode">Application error code (0 for a normal close).</param>
/// <param name="Reason">Reason phrase sent with the close, possibly empty.</param>
/// <param name="ClosedByPeer">True when the peer closed the session, false when we did (or it timed out locally).</param>
/// <param name="TransportError">When the underlying transport failed (idle timeout, protocol error) instead of an application close, a description of it; otherwise null.</param>
public sealed record TransportCloseInfo(ulong ErrorCode, string Reason, bool ClosedByPeer, string? TransportError = null);
