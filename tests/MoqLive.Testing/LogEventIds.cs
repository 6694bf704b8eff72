using System.Reflection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace MoqLive.Testing;

/// <summary>Each assembly logs in its own block of event IDs (DESIGN.md), so a log line names its layer.</summary>
public static class LogEventIds
{
    /// <summary>Asserts that the assembly's [LoggerMessage] event IDs are unique and all within [min, max].</summary>
    public static void AssertUniqueAndInRange(Assembly assembly, int min, int max)
    {
        int[] ids = assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .Select(a => a.EventId)
            .ToArray();

        Assert.NotEmpty(ids);
        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.All(ids, id => Assert.InRange(id, min, max));
    }
}
