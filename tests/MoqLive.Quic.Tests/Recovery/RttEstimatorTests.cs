using MoqLive.Quic.Recovery;

namespace MoqLive.Quic.Tests.Recovery;

public class RttEstimatorTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void FirstSample_SetsSmoothedAndHalfVariation()
    {
        var r = new RttEstimator(Ms(333));
        Assert.Equal(Ms(333) + Ms(333 * 2), r.PtoBase);
        r.Update(Ms(100), Ms(50));
        Assert.Equal(Ms(100), r.Smoothed);
        Assert.Equal(Ms(50), r.Variation);
        Assert.Equal(Ms(100), r.Min);
    }

    [Fact]
    public void LaterSamples_Ewma_AndAckDelaySubtractedOnlyAboveMin()
    {
        var r = new RttEstimator(Ms(333));
        r.Update(Ms(100), TimeSpan.Zero);
        r.Update(Ms(140), Ms(20)); // adjusted 120
        Assert.Equal(Ms(100 * 7.0 / 8 + 120.0 / 8), r.Smoothed);
        Assert.Equal(Ms((50 * 3 + 20) / 4.0), r.Variation);
        var r2 = new RttEstimator(Ms(333));
        r2.Update(Ms(100), TimeSpan.Zero);
        r2.Update(Ms(110), Ms(30)); // 110 - 30 < min 100: delay ignored
        Assert.Equal(Ms(100 * 7.0 / 8 + 110.0 / 8), r2.Smoothed);
        Assert.Equal(Ms(100), r2.Min);
    }
}
