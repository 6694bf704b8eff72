using MoqLive.Testing;

namespace MoqLive.Server.Tests;

public sealed class LogTests
{
    [Fact]
    public void EventIds_AreUniqueAndInServerRange() => LogEventIds.AssertUniqueAndInRange(typeof(MoqLive.Server.MoqLiveServer).Assembly, 5000, 5999);
}
