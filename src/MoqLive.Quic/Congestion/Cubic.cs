using MoqLive.Quic.Recovery;

namespace MoqLive.Quic.Congestion;

/// <summary>
/// CUBIC congestion control (RFC 9438): window growth W_cubic(t) = C*(t-K)^3 + W_max after a reduction by β = 0.7,
/// with a Reno-friendly estimate W_est as a floor and fast convergence. Slow start and recovery as in RFC 9002.
/// </summary>
internal sealed class Cubic : ICongestionController
{
    private const double C = 0.4;
    private const double Beta = 0.7;
    private int _mds;
    private Instant? _recoveryStart;
    private Instant? _epochStart;     // start of the current congestion-avoidance epoch
    private double _wMax;              // window before the last reduction, in segments
    private double _k;                 // seconds until W_cubic reaches W_max
    private double _wEst;              // Reno-friendly estimate, in segments
    private double _cwndSegmentsAtEpoch;

    public Cubic(int maxDatagramSize)
    {
        _mds = maxDatagramSize;
        Window = CongestionDefaults.InitialWindow(maxDatagramSize);
    }

    public ulong Window { get; private set; }

    public ulong SlowStartThreshold { get; private set; } = ulong.MaxValue;

    public bool InSlowStart => Window < SlowStartThreshold;

    /// <summary>W_max in bytes (for tests and diagnostics).</summary>
    public ulong WMaxBytes => (ulong)(_wMax * _mds);

    public void OnPacketSent(Instant now, int bytes)
    {
    }

    public void OnPacketAcked(Instant now, Instant timeSent, int bytes, bool appLimited, RttEstimator rtt)
    {
        if (_recoveryStart is { } start && timeSent <= start) return;
        if (appLimited)
        {
            // RFC 9438 §5.8: do not let an idle period count as growth time.
            if (_epochStart.HasValue) _epochStart = null;
            return;
        }
        if (InSlowStart)
        {
            Window += (ulong)bytes;
            return;
        }
        double cwnd = (double)Window / _mds;
        if (_epochStart is null)
        {
            _epochStart = now;
            _cwndSegmentsAtEpoch = cwnd;
            if (_wMax < cwnd)
            {
                _wMax = cwnd;
                _k = 0;
            }
            else
            {
                _k = Math.Cbrt((_wMax - cwnd) / C);
            }
            _wEst = cwnd;
        }
        double t = (now - _epochStart.Value).TotalSeconds;
        double rttS = rtt.Smoothed.TotalSeconds;
        // Target one RTT ahead (RFC 9438 §4.2).
        double target = C * Math.Pow(t + rttS - _k, 3) + _wMax;
        target = Math.Clamp(target, cwnd, cwnd * 1.5);

        // Reno-friendly region (§4.3): W_est grows by α per window acknowledged, α = 3(1-β)/(1+β).
        double alpha = _wEst >= _wMax ? 1.0 : 3 * (1 - Beta) / (1 + Beta);
        _wEst += alpha * bytes / (cwnd * _mds);

        double next = cwnd;
        if (_wEst > target)
        {
            next = _wEst;
        }
        else if (target > cwnd)
        {
            // Increase by (target - cwnd) / cwnd per acknowledged segment.
            next = cwnd + (target - cwnd) / cwnd * ((double)bytes / _mds);
        }
        Window = Math.Max((ulong)(next * _mds), Window);
    }

    public void OnCongestionEvent(Instant now, Instant largestLostSent, bool persistentCongestion, ulong lostBytes)
    {
        if (_recoveryStart is not { } start || largestLostSent > start)
        {
            _recoveryStart = now;
            double cwnd = (double)Window / _mds;
            // Fast convergence (§4.7): release bandwidth faster when W_max keeps shrinking.
            _wMax = cwnd < _wMax ? cwnd * (1 + Beta) / 2 : cwnd;
            Window = Math.Max((ulong)(Window * Beta), CongestionDefaults.MinimumWindow(_mds));
            SlowStartThreshold = Window;
            _epochStart = null;
        }
        if (persistentCongestion)
        {
            Window = CongestionDefaults.MinimumWindow(_mds);
            _recoveryStart = null;
            _epochStart = null;
        }
    }

    public void OnMaxDatagramSizeChanged(int maxDatagramSize)
    {
        _mds = maxDatagramSize;
        Window = Math.Max(Window, CongestionDefaults.MinimumWindow(_mds));
    }
}
