using System.Reflection;
using Microsoft.Extensions.Logging;

namespace MoqLive.Relay.Tests;

public sealed class LogTests
{
    [Fact]
    public void EventIds_AreUniqueAndInRelayRange()
    {
        var ids = typeof(MoqtRelay).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .Select(a => a.EventId)
            .ToList();

        Assert.NotEmpty(ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.InRange(id, 4000, 4999));
    }
}
