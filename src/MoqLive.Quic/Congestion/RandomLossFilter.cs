namespace MoqLive.Quic.Congestion;

/// <summary>
/// Tells random loss from congestion by the loss rate over the last <see cref="CongestionDefaults.LossRateWindow"/>
/// in-flight packets whose fate is known (acknowledged or lost). RFC 9002 §7 treats every loss as congestion, so a
/// link with a steady random loss rate p caps a loss-based controller at about MSS/RTT·1.22/√p whatever its capacity
/// (1 % on a 150 ms RTT: ~0.8 Mbit/s, below a 1 Mbit/s video on a 1.5 Mbit/s link). A queue that overflows drops
/// packets at a rising rate, so a loss rate above the tolerance (2 %, BBRv2's loss threshold) is still congestion;
/// below it the loss is retransmitted without a window reduction. Persistent congestion (§7.6) always counts.
/// </summary>
internal sealed class RandomLossFilter
{
    private readonly double _tolerance;
    private readonly bool[] _lost = new bool[CongestionDefaults.LossRateWindow];
    private int _next;
    private int _count;
    private int _lostCount;

    /// <param name="tolerance">Loss rate still taken for random loss; 0 makes every loss congestion (RFC 9002).</param>
    public RandomLossFilter(double tolerance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tolerance);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(tolerance, 1);
        _tolerance = tolerance;
    }

    /// <summary>Lost fraction of the packets in the window (0 when empty).</summary>
    public double LossRate => _count == 0 ? 0 : (double)_lostCount / _count;

    /// <summary>An in-flight packet was acknowledged.</summary>
    public void OnAcked() => Record(false);

    /// <summary>
    /// In-flight packets were declared lost together; true when that is congestion: the window's loss rate, these
    /// included, exceeds the tolerance.
    /// </summary>
    public bool OnLost(int packets)
    {
        for (int i = 0; i < packets; i++) Record(true);
        return _tolerance == 0 || LossRate > _tolerance;
    }

    private void Record(bool lost)
    {
        if (_count == _lost.Length)
        {
            if (_lost[_next]) _lostCount--;
        }
        else
        {
            _count++;
        }
        _lost[_next] = lost;
        if (lost) _lostCount++;
        _next = (_next + 1) % _lost.Length;
    }
}
