using MoqLive.Testing;

namespace MoqLive.Quic.Tests;

public sealed class LogTests
{
    [Fact]
    public void EventIds_AreUniqueAndInQuicRange() => LogEventIds.AssertUniqueAndInRange(typeof(QuicConnection).Assembly, 1000, 1999);
}
