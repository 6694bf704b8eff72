using MoqLive.Quic.Congestion;

namespace MoqLive.Quic.Tests.Congestion;

public sealed class RandomLossFilterTests
{
    [Fact]
    public void OnLost_OneLossInAHundred_IsRandom()
    {
        var filter = new RandomLossFilter(0.02);
        for (int i = 0; i < 99; i++) filter.OnAcked();
        Assert.False(filter.OnLost(1));
        Assert.Equal(0.01, filter.LossRate, 6);
    }

    [Fact]
    public void OnLost_BurstAboveTolerance_IsCongestion()
    {
        var filter = new RandomLossFilter(0.02);
        for (int i = 0; i < 200; i++) filter.OnAcked();
        Assert.False(filter.OnLost(4));
        // A queue overflowing: losses keep coming and the rate crosses 2 %.
        Assert.True(filter.OnLost(2));
    }

    [Fact]
    public void OnLost_OldLossesLeaveTheWindow()
    {
        var filter = new RandomLossFilter(0.02);
        for (int i = 0; i < 100; i++) filter.OnAcked();
        Assert.True(filter.OnLost(10));
        for (int i = 0; i < CongestionDefaults.LossRateWindow; i++) filter.OnAcked();
        Assert.Equal(0, filter.LossRate);
        Assert.False(filter.OnLost(1));
    }

    [Fact]
    public void OnLost_ZeroTolerance_EveryLossIsCongestion()
    {
        var filter = new RandomLossFilter(0);
        for (int i = 0; i < 1000; i++) filter.OnAcked();
        Assert.True(filter.OnLost(1));
    }

    [Fact]
    public void Constructor_ToleranceOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomLossFilter(-0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomLossFilter(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MoqLive.Quic.Core.ConnectionOptions { RandomLossTolerance = -0.01 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MoqLive.Quic.Core.ConnectionOptions { RandomLossTolerance = 1 });
    }
}
