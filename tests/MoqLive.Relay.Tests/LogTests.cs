using MoqLive.Testing;

namespace MoqLive.Relay.Tests;

public sealed class LogTests
{
    [Fact]
    public void EventIds_AreUniqueAndInRelayRange() => LogEventIds.AssertUniqueAndInRange(typeof(MoqtRelay).Assembly, 4000, 4999);
}
