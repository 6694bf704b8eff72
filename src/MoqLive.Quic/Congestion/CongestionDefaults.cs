namespace MoqLive.Quic.Congestion;

/// <summary>Constants shared by the congestion controllers (RFC 9002 §7.2, §B.2).</summary>
internal static class CongestionDefaults
{
    /// <summary>Initial window: min(10 * max_datagram_size, max(14720, 2 * max_datagram_size)).</summary>
    public static ulong InitialWindow(int maxDatagramSize) =>
        (ulong)Math.Min(10 * maxDatagramSize, Math.Max(14720, 2 * maxDatagramSize));

    /// <summary>Minimum window: 2 * max_datagram_size.</summary>
    public static ulong MinimumWindow(int maxDatagramSize) => 2UL * (ulong)maxDatagramSize;

    /// <summary>In-flight packets over which <see cref="RandomLossFilter"/> measures the loss rate.</summary>
    public const int LossRateWindow = 256;

    /// <summary>Loss rate taken for random (non-congestion) loss by default: BBRv2's loss threshold.</summary>
    public const double RandomLossTolerance = 0.02;
}
