namespace MoqLive.Quic.Streams;

/// <summary>
/// Flow-control credit granted by the peer for data we send (RFC 9000 §4.1): the peer's latest limit and how much
/// of it we used. Tracks whether we owe the peer a *_BLOCKED frame for the current limit.
/// </summary>
internal sealed class SendCredit
{
    private ulong _blockedReportedAt = ulong.MaxValue;

    public SendCredit(ulong initialMax) => Max = initialMax;

    /// <summary>The peer's limit (MAX_DATA / MAX_STREAM_DATA / initial transport parameter).</summary>
    public ulong Max { get; private set; }

    /// <summary>Credit consumed by new data sent so far (the highest offset sent).</summary>
    public ulong Used { get; private set; }

    public ulong Available => Max - Used;

    /// <summary>True when we are blocked at <see cref="Max"/> and have not told the peer yet.</summary>
    public bool BlockedFramePending => Used >= Max && _blockedReportedAt != Max;

    /// <summary>Applies a new limit from the peer; limits never decrease (RFC 9000 §4.1). Returns true when it grew.</summary>
    public bool Update(ulong max)
    {
        if (max <= Max) return false;
        Max = max;
        return true;
    }

    public void Consume(ulong bytes)
    {
        System.Diagnostics.Debug.Assert(bytes <= Available);
        Used += bytes;
    }

    public void OnBlockedFrameSent() => _blockedReportedAt = Max;

    public void OnBlockedFrameLost() => _blockedReportedAt = ulong.MaxValue;
}
