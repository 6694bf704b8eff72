namespace MoqLive.Transport;

/// <summary>An operation failed because the session is closed; <see cref="CloseInfo"/> says how it ended.</summary>
public sealed class TransportSessionClosedException : IOException
{
    public TransportSessionClosedException(TransportCloseInfo closeInfo)
        : base(Describe(closeInfo))
    {
        CloseInfo = closeInfo;
    }

    /// <summary>How the session ended.</summary>
    public TransportCloseInfo CloseInfo { get; }

    private static string Describe(TransportCloseInfo info) =>
        info.TransportError is { } transport
            ? $"The session failed: {transport}"
            : $"The session was closed by {(info.ClosedByPeer ? "the peer" : "us")} with code 0x{info.ErrorCode:x}: {info.Reason}";
}
