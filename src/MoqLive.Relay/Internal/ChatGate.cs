using MoqLive.Moqt.Model;

namespace MoqLive.Relay.Internal;

/// <summary>Why a chat object was not forwarded.</summary>
internal enum ChatVerdict
{
    Forward,
    Oversized,
    OverRate,
}

/// <summary>
/// The chat policy for one participant's track: a payload size limit and a sliding-window rate limit by arrival time
/// (docs/media-format.md "Chat"). Payloads are never parsed (the relay does not look into objects).
/// </summary>
internal sealed class ChatGate(ChatPolicyOptions options, TimeProvider timeProvider)
{
    private readonly Queue<long> _accepted = new();
    private readonly Lock _lock = new();

    /// <summary>Chat namespaces are exactly <c>["live", NAME, "chat", PARTICIPANT]</c>.</summary>
    public static bool IsChatNamespace(TrackNamespace ns) =>
        ns.Count == 4 && ns[0].Span.SequenceEqual("live"u8) && ns[2].Span.SequenceEqual("chat"u8);

    /// <summary>Decides for one object; an object forwarded counts against the sender's rate.</summary>
    public ChatVerdict Check(MoqtObject obj)
    {
        if (obj.Payload.Length > options.MaxPayloadBytes)
            return ChatVerdict.Oversized;
        if (obj.Status != ObjectStatus.Normal)
            return ChatVerdict.Forward;
        long now = timeProvider.GetTimestamp();
        long window = (long)(options.RateWindow.TotalSeconds * timeProvider.TimestampFrequency);
        lock (_lock)
        {
            while (_accepted.TryPeek(out long oldest) && now - oldest >= window)
                _accepted.Dequeue();
            if (_accepted.Count >= options.MaxMessagesPerWindow)
                return ChatVerdict.OverRate;
            _accepted.Enqueue(now);
            return ChatVerdict.Forward;
        }
    }
}
