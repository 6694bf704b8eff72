using System.Reflection;
using Microsoft.Extensions.Logging;

namespace MoqLive.Http3.Tests;

public sealed class LogTests
{
    [Fact]
    public void EventIds_AreUniqueAndInHttp3Range()
    {
        int[] ids = typeof(Http3Connection).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .Where(a => a is not null)
            .Select(a => a!.EventId)
            .ToArray();

        Assert.NotEmpty(ids);
        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.All(ids, id => Assert.InRange(id, 2000, 2999));
    }
}
