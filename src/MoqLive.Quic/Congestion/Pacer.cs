namespace MoqLive.Quic.Congestion;

/// <summary>
/// Token-bucket pacer (RFC 9002 §7.7): spreads a congestion window over the RTT instead of bursting it. The rate is
/// 1.25 * cwnd / smoothed_rtt; the bucket holds what that rate sends in 2 ms, between 10 and 256 datagrams (as
/// quinn does), so that a driver whose timers fire with millisecond granularity is not capped at 10 datagrams per tick.
/// </summary>
internal sealed class Pacer
{
    private const double Gain = 1.25;
    private const double BurstIntervalSeconds = 0.002;
    private const int MinBurstDatagrams = 10;
    private const int MaxBurstDatagrams = 256;
    private readonly int _mds;
    private double _tokens;
    private Instant? _last;

    public Pacer(int maxDatagramSize)
    {
        _mds = maxDatagramSize;
        _tokens = MinBurstDatagrams * (double)_mds;
    }

    private double Capacity(ulong window, TimeSpan rtt)
    {
        double burst = Rate(window, rtt) * BurstIntervalSeconds;
        return Math.Clamp(double.IsFinite(burst) ? burst : double.MaxValue, MinBurstDatagrams * (double)_mds, MaxBurstDatagrams * (double)_mds);
    }

    /// <summary>
    /// Returns null when a packet of <paramref name="bytes"/> may be sent now, or the instant when it may.
    /// </summary>
    public Instant? Delay(Instant now, int bytes, ulong window, TimeSpan smoothedRtt)
    {
        Refill(now, window, smoothedRtt);
        if (_tokens >= bytes) return null;
        double rate = Rate(window, smoothedRtt);
        if (rate <= 0) return null;
        double wait = (bytes - _tokens) / rate; // seconds
        return now + TimeSpan.FromTicks(Math.Max(1, (long)(wait * TimeSpan.TicksPerSecond)));
    }

    /// <summary>Spends tokens for a packet that was sent.</summary>
    public void OnSent(int bytes) => _tokens = Math.Max(0, _tokens - bytes);

    private void Refill(Instant now, ulong window, TimeSpan rtt)
    {
        if (_last is { } last && now > last)
        {
            _tokens = Math.Min(Capacity(window, rtt), _tokens + Rate(window, rtt) * (now - last).TotalSeconds);
        }
        _last = now;
    }

    private static double Rate(ulong window, TimeSpan rtt) =>
        rtt <= TimeSpan.Zero ? double.PositiveInfinity : Gain * window / rtt.TotalSeconds;
}
