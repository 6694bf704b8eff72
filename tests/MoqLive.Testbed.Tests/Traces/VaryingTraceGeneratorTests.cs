using MoqLive.Testbed.Traces;

namespace MoqLive.Testbed.Tests.Traces;

public sealed class VaryingTraceGeneratorTests
{
    /// <summary>Set this environment variable to 1 to rewrite the committed trace from the generator.</summary>
    private const string UpdateVariable = "MOQLIVE_UPDATE_TRACES";

    [Fact]
    public void CommittedTrace_MatchesGenerator()
    {
        string path = Path.Combine(RepositoryPaths.TraceDirectory, VaryingTraceGenerator.FileName);
        string expected = VaryingTraceGenerator.Generate().ToText();
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(RepositoryPaths.TraceDirectory);
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run the tests with {UpdateVariable}=1 to generate it.");
        Assert.True(
            File.ReadAllText(path) == expected,
            $"{path} is out of date with VaryingTraceGenerator; run the tests with {UpdateVariable}=1 and commit it.");
    }

    [Fact]
    public void Schedule_StepsEvery5sBetweenHalfAnd6Mbps()
    {
        var schedule = VaryingTraceGenerator.GetSchedule();
        Assert.Equal(16, schedule.Count);
        Assert.Equal(500_000, schedule.Min(s => s.BitsPerSecond));
        Assert.Equal(6_000_000, schedule.Max(s => s.BitsPerSecond));
        for (int i = 0; i < schedule.Count; i++)
        {
            Assert.Equal(TimeSpan.FromSeconds(5 * i), schedule[i].Start);
            if (i > 0)
            {
                Assert.NotEqual(schedule[i - 1].BitsPerSecond, schedule[i].BitsPerSecond);
            }
        }
    }

    [Fact]
    public void Generate_IsDeterministicAndMatchesScheduleCapacity()
    {
        var trace = VaryingTraceGenerator.Generate();
        Assert.Equal(trace.Milliseconds, VaryingTraceGenerator.Generate().Milliseconds);
        Assert.Equal(TimeSpan.FromSeconds(80), trace.Period);
        double meanRate = VaryingTraceGenerator.GetSchedule().Average(s => s.BitsPerSecond);
        Assert.InRange(trace.AverageBitsPerSecond, meanRate * 0.999, meanRate * 1.001);
    }

    [Fact]
    public void Generate_OtherSeed_OtherSchedule()
    {
        Assert.NotEqual(
            VaryingTraceGenerator.GetSchedule(1).Select(s => s.BitsPerSecond),
            VaryingTraceGenerator.GetSchedule(2).Select(s => s.BitsPerSecond));
    }
}
