using MoqLive.Quic.Recovery;

namespace MoqLive.Quic.Congestion;

/// <summary>NewReno congestion control as specified in RFC 9002 §7 and Appendix B.</summary>
internal sealed class NewReno : ICongestionController
{
    private int _mds;
    private Instant? _recoveryStart;
    private ulong _bytesAcked; // congestion-avoidance accumulator

    public NewReno(int maxDatagramSize)
    {
        _mds = maxDatagramSize;
        Window = CongestionDefaults.InitialWindow(maxDatagramSize);
    }

    public ulong Window { get; private set; }

    public ulong SlowStartThreshold { get; private set; } = ulong.MaxValue;

    public bool InSlowStart => Window < SlowStartThreshold;

    public void OnPacketSent(Instant now, int bytes)
    {
    }

    public void OnPacketAcked(Instant now, Instant timeSent, int bytes, bool appLimited, RttEstimator rtt)
    {
        // §7.3.2: packets sent before recovery started do not grow the window.
        if (_recoveryStart is { } start && timeSent <= start) return;
        if (appLimited) return;
        if (InSlowStart)
        {
            Window += (ulong)bytes;
            return;
        }
        // Congestion avoidance: one max_datagram_size per window of acknowledged bytes.
        _bytesAcked += (ulong)bytes;
        if (_bytesAcked >= Window)
        {
            _bytesAcked -= Window;
            Window += (ulong)_mds;
        }
    }

    public void OnCongestionEvent(Instant now, Instant largestLostSent, bool persistentCongestion, ulong lostBytes)
    {
        if (_recoveryStart is not { } start || largestLostSent > start)
        {
            _recoveryStart = now;
            Window = Math.Max(Window / 2, CongestionDefaults.MinimumWindow(_mds));
            SlowStartThreshold = Window;
            _bytesAcked = 0;
        }
        if (persistentCongestion)
        {
            Window = CongestionDefaults.MinimumWindow(_mds);
            _recoveryStart = null;
        }
    }

    public void OnMaxDatagramSizeChanged(int maxDatagramSize)
    {
        _mds = maxDatagramSize;
        Window = Math.Max(Window, CongestionDefaults.MinimumWindow(_mds));
    }
}
