namespace MoqLive.Relay;

/// <summary>
/// Limits the relay enforces on chat tracks, namespaces <c>["live", NAME, "chat", PARTICIPANT]</c>
/// (docs/media-format.md "Chat"): objects over the size limit and objects over the per-sender rate are not forwarded.
/// </summary>
public sealed record ChatPolicyOptions
{
    /// <summary>The defaults of docs/media-format.md: 2 KiB payloads, 5 messages per 10 s per sender.</summary>
    public static ChatPolicyOptions Default { get; } = new();

    /// <summary>Largest payload forwarded, in bytes (default 2048).</summary>
    public int MaxPayloadBytes { get; init; } = 2048;

    /// <summary>Most objects one sender (one participant namespace) gets forwarded per <see cref="RateWindow"/> (default 5).</summary>
    public int MaxMessagesPerWindow { get; init; } = 5;

    /// <summary>The sliding window of the rate limit (default 10 s).</summary>
    public TimeSpan RateWindow { get; init; } = TimeSpan.FromSeconds(10);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPayloadBytes, 0, nameof(MaxPayloadBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessagesPerWindow, 1, nameof(MaxMessagesPerWindow));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RateWindow, TimeSpan.Zero, nameof(RateWindow));
    }
}
