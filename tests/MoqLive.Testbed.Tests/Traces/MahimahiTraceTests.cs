using MoqLive.Testbed.Traces;

namespace MoqLive.Testbed.Tests.Traces;

public sealed class MahimahiTraceTests
{
    [Fact]
    public void Parse_ValidTrace_ReadsTimestampsAndPeriod()
    {
        var trace = MahimahiTrace.Parse("0\n1\n1\n 7 \n12\n");
        Assert.Equal([0L, 1, 1, 7, 12], trace.Milliseconds);
        Assert.Equal(TimeSpan.FromMilliseconds(12), trace.Period);
        Assert.Equal(5 * 1500 * 8 / 0.012, trace.AverageBitsPerSecond, 6);
    }

    [Fact]
    public void ToText_RoundTrips()
    {
        var trace = MahimahiTrace.FromMilliseconds([3, 3, 9, 20]);
        Assert.Equal("3\n3\n9\n20\n", trace.ToText());
        Assert.Equal(trace.Milliseconds, MahimahiTrace.Parse(trace.ToText()).Milliseconds);
    }

    [Theory]
    [InlineData("1\n2\nabc\n4\n", 3, "'abc' is not a non-negative integer")]
    [InlineData("1\n-5\n", 2, "'-5' is not a non-negative integer")]
    [InlineData("1\n2.5\n", 2, "'2.5' is not a non-negative integer")]
    [InlineData("5\n10\n7\n", 3, "must not decrease")]
    [InlineData("1\n\n3\n", 2, "empty line")]
    [InlineData("0\n0\n", 2, "must be positive")]
    [InlineData("", 0, "no lines")]
    [InlineData("99999999999999999999999\n", 1, "is not a non-negative integer")]
    public void Parse_BadInput_ThrowsWithLineNumber(string text, int line, string reason)
    {
        var ex = Assert.Throws<MahimahiTraceFormatException>(() => MahimahiTrace.Parse(text, "up.trace"));
        Assert.Equal(line, ex.LineNumber);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith(line > 0 ? $"up.trace:{line}: " : "up.trace: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_Throws()
    {
        Assert.ThrowsAny<IOException>(() => MahimahiTrace.Load(Path.Combine(Path.GetTempPath(), "no-such-moqlive.trace")));
    }
}
