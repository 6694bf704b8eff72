using MoqLive.Quic.Recovery;

namespace MoqLive.Quic.Congestion;

/// <summary>
/// A congestion controller (RFC 9002 §7): decides the congestion window from acknowledgements and losses reported by
/// loss detection. One implementation per file (NewReno, CUBIC), chosen by options.
/// </summary>
internal interface ICongestionController
{
    /// <summary>Congestion window in bytes.</summary>
    ulong Window { get; }

    /// <summary>Slow-start threshold in bytes (ulong.MaxValue until the first congestion event).</summary>
    ulong SlowStartThreshold { get; }

    /// <summary>An in-flight packet was sent.</summary>
    void OnPacketSent(Instant now, int bytes);

    /// <summary>
    /// An in-flight packet was acknowledged. <paramref name="appLimited"/> tells that the sender was not using the
    /// whole window when it was sent, in which case the window must not grow (§7.8).
    /// </summary>
    void OnPacketAcked(Instant now, Instant timeSent, int bytes, bool appLimited, RttEstimator rtt);

    /// <summary>Packets were declared lost; <paramref name="largestLostSent"/> is the send time of the newest one.</summary>
    void OnCongestionEvent(Instant now, Instant largestLostSent, bool persistentCongestion, ulong lostBytes);

    /// <summary>The maximum datagram size changed (e.g. after path MTU discovery).</summary>
    void OnMaxDatagramSizeChanged(int maxDatagramSize);
}
