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

    [Fact]
    public void WithConnectionInfo_Page_PutsCertificateHashAndMoqtPathInItsHead()
    {
        const string Hash = "7493ea7a869931f9e56452c136ea3cf3e6852c529c205ff66996923048523ffc";
        string page = MoqLiveServer.WithConnectionInfo("<!doctype html><html><head><title>W</title></head><body></body></html>", Hash, "/moq\"<x>");

        Assert.Equal(
            "<!doctype html><html><head><title>W</title>" +
            $"<meta name=\"moqlive-certificate-sha256\" content=\"{Hash}\" /><meta name=\"moqlive-moqt-path\" content=\"/moq&quot;&lt;x&gt;\" />" +
            "</head><body></body></html>",
            page);
    }

    [Fact]
    public void WithConnectionInfo_NoHead_PutsTheTagsFirst()
    {
        string page = MoqLiveServer.WithConnectionInfo("<p>hi</p>", "00", "/moq");

        Assert.StartsWith("<meta name=\"moqlive-certificate-sha256\" content=\"00\" />", page, StringComparison.Ordinal);
        Assert.EndsWith("<p>hi</p>", page, StringComparison.Ordinal);
    }
}
