using System.Text.Json;
using Microsoft.Playwright;
using MoqLive.E2E.Tests.Server;
using MoqLive.Testing;
using Xunit.Abstractions;

namespace MoqLive.E2E.Tests.Browser;

/// <summary>
/// The browser MOQT session (web/packages/moqt, bundled by web/packages/e2e-pages) in Debian Chromium against
/// <c>moqlive serve</c> over WebTransport: a page publishes a track that <c>moqlive subscribe</c> receives completely and
/// in order, and a page subscribes (with a joining FETCH) to a <c>moqlive publish --clock</c> track and receives
/// every object.
/// </summary>
[Trait("Category", "Browser")]
[Collection(nameof(BrowserCollection))]
public sealed class MoqtSessionBrowserTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);
    // One-second groups at 40 ms an object, as the media tracks' GOPs: the relay and `moqlive subscribe` each let a
    // reader fall 4 groups behind before it loses whole groups. With 200 ms groups two CI runs lost 3-4 groups
    // mid-stream, the mark of a reader over 800 ms behind (the E2E suite runs other test classes alongside).
    private const int ObjectsPerGroup = 25;

    [Fact]
    public async Task PagePublishes_MoqliveSubscribeReceivesEveryObjectInOrder()
    {
        (CliHost server, ServeEndpoints endpoints) = await ServeEndpoints.StartServeAsync(StartTimeout);
        await using (server)
        {
            await using Chromium chromium = await Chromium.LaunchAsync(output);
            await using LoopbackPageServer pages = LoopbackPageServer.ForBundle("moqt-page.js");
            IPage page = await chromium.OpenPageAsync("publisher", pages.Url);
            JsonElement started = await page.EvaluateAsync<JsonElement>(
                "a => window.moqtE2E.startPublisher(a.url, a.hash, ['e2e', 'page'], 'clock', 40, a.perGroup)",
                new { url = endpoints.WebTransportUrl, hash = endpoints.CertificateSha256, perGroup = ObjectsPerGroup }).WithTimeout(StartTimeout);
            output.WriteLine($"page session up, server implementation {started}");

            const int count = 150;
            await using CliHost subscriber = CliHost.Start("subscribe", endpoints.WebTransportUrl, "--namespace", "e2e/page", "--track", "clock",
                "--json", "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cert-hash", endpoints.CertificateSha256);
            int exit = await subscriber.Exit.WaitAsync(RunTimeout);
            output.WriteLine($"subscribe stderr: {subscriber.Error}");
            Assert.True(exit == 0, $"subscribe exited {exit}: {subscriber.Error}");

            var objects = subscriber.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal(count, objects.Count);
            var printed = objects.Select(o => (o.GetProperty("group").GetUInt64(), o.GetProperty("object").GetUInt64())).ToList();
            // Each group is one stream, so in order; `moqlive subscribe` reads groups concurrently, so a group can be
            // printed before the tail of the previous one. Sorted, nothing is missing (the last few may be cut by --count).
            foreach (var group in printed.GroupBy(o => o.Item1))
                Assert.True(group.Select(o => o.Item2).SequenceEqual(group.Select(o => o.Item2).Order()), $"group {group.Key} out of order");
            AssertConsecutive([.. printed.Order().Take(count - 2 * ObjectsPerGroup)]);
            Assert.All(objects, o => Assert.Equal(0UL, o.GetProperty("subgroup").GetUInt64()));
            double[] latencies = [.. objects.Select(o => o.GetProperty("latencyMs").GetDouble()).Order()];
            output.WriteLine($"page → relay → moqlive subscribe latency ms: p50 {latencies[latencies.Length / 2]}, max {latencies[^1]}");
            Assert.InRange(latencies[latencies.Length / 2], -50, 500);

            JsonElement stopped = await page.EvaluateAsync<JsonElement>("() => window.moqtE2E.stopPublisher()").WithTimeout(StartTimeout);
            Assert.True(stopped.GetProperty("written").GetInt32() >= count);
        }
    }

    [Fact]
    public async Task PageSubscribesToClock_JoiningFetchThenEveryLiveObject()
    {
        (CliHost server, ServeEndpoints endpoints) = await ServeEndpoints.StartServeAsync(StartTimeout);
        await using (server)
        {
            await using CliHost publisher = CliHost.Start("publish", endpoints.WebTransportUrl, "--namespace", "e2e/clock", "--track", "clock",
                "--clock", "--count", "900", "--cert-hash", endpoints.CertificateSha256);
            await publisher.WaitForOutputAsync("Publishing", StartTimeout);
            // The relay serves a joining FETCH from its cache, which starts when its upstream subscription does
            // (`moqlive publish` itself answers no FETCH). A first subscriber that has seen a group start (10 objects
            // per group) makes the cache hold the page's current group from its first object (object 4: some history to fetch).
            await using CliHost warm = CliHost.Start("subscribe", endpoints.WebTransportUrl, "--namespace", "e2e/clock", "--track", "clock",
                "--json", "--cert-hash", endpoints.CertificateSha256);
            await warm.WaitForOutputAsync("\"object\":4,", StartTimeout);

            await using Chromium chromium = await Chromium.LaunchAsync(output);
            await using LoopbackPageServer pages = LoopbackPageServer.ForBundle("moqt-page.js");
            IPage page = await chromium.OpenPageAsync("subscriber", pages.Url);
            const int count = 30;
            string json = await page.EvaluateAsync<string>(
                "a => window.moqtE2E.subscribe(a.url, a.hash, ['e2e', 'clock'], 'clock', a.count).then(r => JSON.stringify(r), e => 'page error: ' + e + ' ' + e.stack)",
                new { url = endpoints.WebTransportUrl, hash = endpoints.CertificateSha256, count }).WithTimeout(RunTimeout);
            output.WriteLine(json);
            JsonElement result = JsonDocument.Parse(json).RootElement;

            var fetched = Locations(result.GetProperty("fetched"));
            var live = Locations(result.GetProperty("live"));
            Assert.Equal(count, live.Count);
            AssertConsecutive(live);
            // The joining FETCH returns the current group from its first object through the Largest Object of
            // SUBSCRIBE_OK, and the subscription continues right after it: nothing lost, nothing twice.
            JsonElement largest = result.GetProperty("largest");
            Assert.Equal(JsonValueKind.Array, largest.ValueKind);
            (ulong group, ulong obj) joinAt = (ulong.Parse(largest[0].GetString()!, System.Globalization.CultureInfo.InvariantCulture),
                ulong.Parse(largest[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture));
            Assert.NotEmpty(fetched);
            Assert.Equal((joinAt.group, 0UL), fetched[0]);
            Assert.Equal(joinAt, fetched[^1]);
            AssertConsecutive([.. fetched, .. live]);
            Assert.All(result.GetProperty("live").EnumerateArray(), o => Assert.True(o.GetProperty("size").GetInt32() > 0));
            double[] latencies = [.. result.GetProperty("live").EnumerateArray().Select(o => o.GetProperty("latencyMs").GetDouble()).Order()];
            output.WriteLine($"moqlive publish → relay → page latency ms: p50 {latencies[latencies.Length / 2]}, max {latencies[^1]}");
            Assert.InRange(latencies[latencies.Length / 2], -50, 500);
        }
    }

    private static List<(ulong Group, ulong Object)> Locations(JsonElement array) =>
        [.. array.EnumerateArray().Select(o => (
            ulong.Parse(o.GetProperty("group").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            ulong.Parse(o.GetProperty("object").GetString()!, System.Globalization.CultureInfo.InvariantCulture)))];

    /// <summary>Each object follows the previous one: the next object of the group, or the next group's first.</summary>
    private static void AssertConsecutive(IReadOnlyList<(ulong Group, ulong Object)> objects)
    {
        for (int i = 1; i < objects.Count; i++)
        {
            (ulong g0, ulong o0) = objects[i - 1];
            (ulong g1, ulong o1) = objects[i];
            bool next = (g1 == g0 && o1 == o0 + 1) || (g1 == g0 + 1 && o1 == 0);
            Assert.True(next, $"object {i}: ({g1},{o1}) does not follow ({g0},{o0})");
        }
    }
}
