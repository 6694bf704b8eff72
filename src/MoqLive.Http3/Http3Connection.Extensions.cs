using MoqLive.Http3.Internal;

namespace MoqLive.Http3;

// Hooks for extensions that define their own stream types (WebTransport, draft-ietf-webtrans-http3-02 §4).
public sealed partial class Http3Connection
{
    /// <summary>
    /// Handles a unidirectional stream of an extension type; returns false when no extension claims
    /// <paramref name="type"/>, so the stream is treated as unknown (§6.2).
    /// </summary>
    private static ValueTask<bool> TryHandleExtensionStreamAsync(ulong type, FrameStreamReader reader, CancellationToken cancellationToken)
    {
        _ = type;
        _ = reader;
        _ = cancellationToken;
        return ValueTask.FromResult(false);
    }
}
