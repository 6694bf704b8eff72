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

    [Fact]
    public void ProcessInfo_FullGc_ReportsLiveHeapWithoutTheGarbage()
    {
        Assert.Equal(JsonValueKind.Null, JsonSerializer.SerializeToElement(MoqLiveServer.ProcessInfo(fullGc: false)).GetProperty("gcLiveBytes").ValueKind);

        // 64 MB of garbage: gone from the live heap after the forced collection.
        for (int i = 0; i < 64; i++)
            GC.KeepAlive(new byte[1 << 20]);
        JsonElement json = JsonSerializer.SerializeToElement(MoqLiveServer.ProcessInfo(fullGc: true));

        long live = json.GetProperty("gcLiveBytes").GetInt64();
        Assert.InRange(live, 1, GC.GetTotalMemory(forceFullCollection: false) + (32 << 20));
        Assert.True(live < 64 << 20, $"live heap {live} still holds the garbage");
    }
}
