namespace MoqLive.Quic.Tests;

public class InstantTests
{
    [Fact]
    public void Arithmetic_AddSubtractCompare()
    {
        var a = Instant.FromMilliseconds(100);
        var b = a + TimeSpan.FromMilliseconds(50);
        Assert.Equal(TimeSpan.FromMilliseconds(50), b - a);
        Assert.True(b > a);
        Assert.Equal(a, Instant.Min(a, b));
        Assert.Equal(a, Instant.Earliest(null, a));
        Assert.Equal(Instant.MaxValue, Instant.MaxValue + TimeSpan.FromDays(1));
    }
}
