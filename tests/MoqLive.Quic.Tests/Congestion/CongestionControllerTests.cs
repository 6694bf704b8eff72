using MoqLive.Quic.Congestion;
using MoqLive.Quic.Recovery;

namespace MoqLive.Quic.Tests.Congestion;

public class CongestionControllerTests
{
    private const int Mds = 1200;
    private static Instant T(double ms) => Instant.FromMilliseconds(ms);

    private static RttEstimator Rtt100()
    {
        var r = new RttEstimator(TimeSpan.FromMilliseconds(100));
        r.Update(TimeSpan.FromMilliseconds(100), TimeSpan.Zero);
        return r;
    }

    [Fact]
    public void NewReno_SlowStart_GrowsByAckedBytes()
    {
        var cc = new NewReno(Mds);
        Assert.Equal(12000UL, cc.Window);
        cc.OnPacketAcked(T(100), T(0), Mds, false, Rtt100());
        Assert.Equal(13200UL, cc.Window);
    }

    [Fact]
    public void NewReno_Loss_HalvesOncePerRecoveryPeriod()
    {
        var cc = new NewReno(Mds);
        cc.OnCongestionEvent(T(100), T(50), false, Mds);
        Assert.Equal(6000UL, cc.Window);
        // Another loss of a packet sent before recovery started: no further reduction.
        cc.OnCongestionEvent(T(110), T(60), false, Mds);
        Assert.Equal(6000UL, cc.Window);
        // Acks of packets sent before recovery do not grow the window.
        cc.OnPacketAcked(T(120), T(90), Mds, false, Rtt100());
        Assert.Equal(6000UL, cc.Window);
        // Congestion avoidance: +1 MDS per window acknowledged.
        for (int i = 0; i < 5; i++) cc.OnPacketAcked(T(200), T(150), Mds, false, Rtt100());
        Assert.Equal(7200UL, cc.Window);
        cc.OnCongestionEvent(T(300), T(250), false, Mds);
        Assert.Equal(3600UL, cc.Window);
        cc.OnCongestionEvent(T(400), T(350), false, Mds);
        Assert.Equal(2400UL, cc.Window); // minimum window
    }

    [Fact]
    public void NewReno_AppLimited_DoesNotGrow()
    {
        var cc = new NewReno(Mds);
        cc.OnPacketAcked(T(100), T(0), Mds, true, Rtt100());
        Assert.Equal(12000UL, cc.Window);
    }

    [Fact]
    public void PersistentCongestion_CollapsesToMinimum()
    {
        foreach (ICongestionController cc in new ICongestionController[] { new NewReno(Mds), new Cubic(Mds) })
        {
            cc.OnCongestionEvent(T(100), T(50), true, 10 * Mds);
            Assert.Equal(2UL * Mds, cc.Window);
        }
    }

    [Fact]
    public void Cubic_ReducesByBeta_ThenRegrowsConcaveTowardWMax()
    {
        var cc = new Cubic(Mds);
        var rtt = Rtt100();
        // Grow in slow start to 100 segments.
        while (cc.Window < 100 * Mds) cc.OnPacketAcked(T(0), T(0), Mds, false, rtt);
        ulong before = cc.Window;
        cc.OnCongestionEvent(T(1000), T(990), false, Mds);
        Assert.Equal((ulong)(before * 0.7), cc.Window);
        Assert.Equal(before, cc.WMaxBytes);

        // Acknowledge one window per RTT for a few seconds and record the window.
        var now = T(1000);
        var samples = new List<ulong>();
        for (int rttIdx = 0; rttIdx < 60; rttIdx++)
        {
            now += TimeSpan.FromMilliseconds(100);
            int segs = (int)(cc.Window / Mds);
            for (int i = 0; i < segs; i++) cc.OnPacketAcked(now, now - TimeSpan.FromMilliseconds(100), Mds, false, rtt);
            samples.Add(cc.Window);
        }
        // Growth is fast at first, slows near W_max (plateau), then probes beyond it.
        ulong early = samples[3] - samples[0];
        int nearK = samples.FindIndex(w => w >= before * 98 / 100);
        Assert.True(nearK > 0);
        ulong plateau = samples[nearK + 1] - samples[nearK];
        Assert.True(plateau < early, $"early {early}, plateau {plateau}");
        Assert.True(samples[^1] > before);
    }

    [Fact]
    public void Cubic_FastConvergence_LowersWMax()
    {
        var cc = new Cubic(Mds);
        while (cc.Window < 100 * Mds) cc.OnPacketAcked(T(0), T(0), Mds, false, Rtt100());
        cc.OnCongestionEvent(T(1000), T(990), false, Mds); // W_max = 100
        cc.OnCongestionEvent(T(2000), T(1990), false, Mds); // cwnd 70 < W_max: W_max = 70 * 0.85
        Assert.InRange(cc.WMaxBytes, (ulong)(70 * 0.85 * Mds) - Mds, (ulong)(70 * 0.85 * Mds) + Mds);
    }

    [Fact]
    public void Pacer_SpreadsBurstOverRtt()
    {
        var p = new Pacer(Mds);
        var now = T(0);
        ulong window = 120_000; // 100 packets per 100 ms, paced at 1.25x
        int sent = 0;
        while (p.Delay(now, Mds, window, TimeSpan.FromMilliseconds(100)) is null) { p.OnSent(Mds); sent++; }
        Assert.Equal(10, sent); // the burst allowance
        var next = p.Delay(now, Mds, window, TimeSpan.FromMilliseconds(100))!.Value;
        // 1200 bytes at 1.5 MB/s = 0.8 ms
        Assert.InRange((next - now).TotalMilliseconds, 0.7, 0.9);
        Assert.Null(p.Delay(next, Mds, window, TimeSpan.FromMilliseconds(100)));
    }
}
