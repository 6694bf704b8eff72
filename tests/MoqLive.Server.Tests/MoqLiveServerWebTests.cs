using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace MoqLive.Server.Tests;

public sealed class MoqLiveServerWebTests
{
    [Fact]
    public void TimeInfo_FakeClock_ReturnsUnixMicroseconds()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_123));
        time.Advance(TimeSpan.FromTicks(4_560)); // 456 µs

        JsonElement json = JsonSerializer.SerializeToElement(MoqLiveServer.TimeInfo(time));

        Assert.Equal(1_764_000_000_123_456L, json.GetProperty("unixMicros").GetInt64());
    }
}
