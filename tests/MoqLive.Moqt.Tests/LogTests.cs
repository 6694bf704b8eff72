using MoqLive.Testing;

namespace MoqLive.Moqt.Tests;

public sealed class LogTests
{
    [Fact]
    public void EventIds_AreUniqueAndInMoqtRange() => LogEventIds.AssertUniqueAndInRange(typeof(MoqLive.Moqt.Session.MoqtSession).Assembly, 3000, 3999);
}
