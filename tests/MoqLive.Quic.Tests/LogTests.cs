using System.Reflection;
using Microsoft.Extensions.Logging;

namespace MoqLive.Quic.Tests;

public sealed class LogTests
{
    [Fact]
    public void EventIds_AreUniqueAndInQuicRange()
    {
        int[] ids = typeof(QuicConnection).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .Where(a => a is not null)
            .Select(a => a!.EventId)
            .ToArray();

        Assert.NotEmpty(ids);
        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.All(ids, id => Assert.InRange(id, 1000, 1999));
    }
}
