using MoqLive.Quic.Internal;

namespace MoqLive.Quic.Tests.Internal;

public class RangeSetTests
{
    [Fact]
    public void Insert_AdjacentAndOverlapping_Merges()
    {
        var s = new RangeSet();
        Assert.True(s.Insert(10, 20));
        Assert.True(s.Insert(30, 40));
        Assert.True(s.Insert(20, 30));
        Assert.Equal(1, s.Count);
        Assert.Equal((10UL, 40UL), s[0]);
        Assert.False(s.Insert(15, 25));
        Assert.True(s.Insert(5, 45));
        Assert.Equal((5UL, 45UL), s[0]);
    }

    [Fact]
    public void Remove_Middle_Splits()
    {
        var s = new RangeSet();
        s.Insert(0, 100);
        s.Remove(40, 60);
        Assert.Equal("[0,40),[60,100)", s.ToString());
        s.Remove(0, 10);
        s.Remove(90, 200);
        Assert.Equal("[10,40),[60,90)", s.ToString());
    }

    [Fact]
    public void Gaps_ReturnsMissingParts()
    {
        var s = new RangeSet();
        s.Insert(10, 20);
        s.Insert(30, 40);
        Assert.Equal([(0UL, 10UL), (20UL, 30UL), (40UL, 50UL)], s.Gaps(0, 50).ToList());
        Assert.Empty(s.Gaps(12, 18));
        Assert.True(s.ContainsRange(31, 40));
        Assert.False(s.ContainsRange(15, 31));
    }

    [Fact]
    public void RandomOperations_MatchBitmapModel()
    {
        var rng = new Random(7);
        var s = new RangeSet();
        var model = new bool[300];
        for (int i = 0; i < 2000; i++)
        {
            ulong a = (ulong)rng.Next(300), b = (ulong)rng.Next(300);
            if (a > b) (a, b) = (b, a);
            if (rng.Next(3) == 0) { s.Remove(a, b); for (ulong x = a; x < b; x++) model[x] = false; }
            else { s.Insert(a, b); for (ulong x = a; x < b; x++) model[x] = true; }
            for (int x = 0; x < 300; x++) Assert.Equal(model[x], s.Contains((ulong)x));
        }
        for (int i = 1; i < s.Count; i++) Assert.True(s[i - 1].End < s[i].Start);
    }
}
