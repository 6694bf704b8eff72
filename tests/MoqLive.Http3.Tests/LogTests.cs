using MoqLive.Testing;

namespace MoqLive.Http3.Tests;

public sealed class LogTests
{
    [Fact]
    public void EventIds_AreUniqueAndInHttp3Range() => LogEventIds.AssertUniqueAndInRange(typeof(Http3Connection).Assembly, 2000, 2999);
}
