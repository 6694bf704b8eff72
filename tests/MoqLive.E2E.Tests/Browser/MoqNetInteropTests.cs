using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using MoqLive.E2E.Tests.Server;
using MoqLive.Testing;
using Xunit.Abstractions;

namespace MoqLive.E2E.Tests.Browser;

/// <summary>
/// Interop with an independent MOQT draft-19 peer: the npm package <c>@moq/net</c>, bundled into a page
/// (web/interop/moq-net, built by test.sh before the .NET tests) and run in Chromium, against <c>moqlive serve</c> over
/// WebTransport with serverCertificateHashes. Both directions: the page publishes and <c>moqlive subscribe</c> receives
/// every object; <c>moqlive publish --clock</c> publishes and the page receives every object.
/// </summary>
[Trait("Category", "Browser")]
[Collection(nameof(BrowserCollection))]
public sealed class MoqNetInteropTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    private static string BundlePath => Path.Combine(RepositoryRoot.Path, "web", "interop", "moq-net", "dist", "moq-net-interop.js");

    [Fact]
    public async Task MoqNetPagePublishes_MoqliveSubscribeReceivesEveryObject()
    {
        const int groups = 3;
        const int objectsPerGroup = 5;
        await using CliHost server = await StartServerAsync();
        (string url, string hash, string web) = ServerUrls(server);
        await using Chromium browser = await Chromium.LaunchAsync(output);
        await using LoopbackPageServer pageServer = await InteropPageServerAsync();
        IPage tab = await OpenPageAsync(browser, pageServer);

        Task<JsonElement> published = tab.EvaluateAsync<JsonElement>("args => window.MoqNetInterop.publish(args)", new
        {
            url,
            certificateSha256 = hash,
            @namespace = "live/moqnet",
            track = "text",
            groups,
            objectsPerGroup,
        });
        // /api/channels lists ["live", NAME] namespaces by NAME (docs/media-format.md).
        await WaitForChannelAsync(web, hash, "moqnet", published);

        await using CliHost subscriber = CliHost.Start("subscribe", url, "--namespace", "live/moqnet", "--track", "text", "--json",
            "--count", (groups * objectsPerGroup).ToString(System.Globalization.CultureInfo.InvariantCulture), "--cert-hash", hash);
        int exit = await subscriber.Exit.WaitAsync(RunTimeout);
        JsonElement result = await published.WaitAsync(RunTimeout);
        output.WriteLine($"page: {result}");
        output.WriteLine($"subscribe: {subscriber.Output}\n{subscriber.Error}");
        output.WriteLine($"serve: {server.Error}");

        Assert.False(result.TryGetProperty("error", out JsonElement error), error.ToString());
        Assert.True(exit == 0, $"subscribe exited {exit}: {subscriber.Error}");
        Assert.Equal(groups * objectsPerGroup, result.GetProperty("sent").GetInt32());
        JsonElement[] objects = [.. subscriber.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];
        Assert.Equal(groups * objectsPerGroup, objects.Length);

        // Every object: the page's groups 0..2 with objects 0..4 each, payload "g<group> o<object>". Each group is its
        // own subgroup stream, in order within it; groups may arrive interleaved (draft-19 orders objects only within a
        // subgroup), so they are compared in (group, object) order.
        foreach (var group in objects.GroupBy(o => o.GetProperty("group").GetUInt64()))
        {
            ulong[] ids = [.. group.Select(o => o.GetProperty("object").GetUInt64())];
            Assert.Equal(ids.Order(), ids);
        }

        objects = [.. objects.OrderBy(o => o.GetProperty("group").GetUInt64()).ThenBy(o => o.GetProperty("object").GetUInt64())];
        ulong firstGroup = objects[0].GetProperty("group").GetUInt64();
        for (int i = 0; i < objects.Length; i++)
        {
            ulong group = objects[i].GetProperty("group").GetUInt64();
            ulong obj = objects[i].GetProperty("object").GetUInt64();
            Assert.Equal(firstGroup + (ulong)(i / objectsPerGroup), group);
            Assert.Equal((ulong)(i % objectsPerGroup), obj);
            Assert.Equal(Encoding.ASCII.GetByteCount($"g{i / objectsPerGroup} o{i % objectsPerGroup}"), objects[i].GetProperty("size").GetInt32());
        }
    }

    [Fact]
    public async Task MoqlivePublishesClock_MoqNetPageReceivesEveryObject()
    {
        const int count = 25;
        await using CliHost server = await StartServerAsync();
        (string url, string hash, _) = ServerUrls(server);
        await using Chromium browser = await Chromium.LaunchAsync(output);
        await using LoopbackPageServer pageServer = await InteropPageServerAsync();
        IPage tab = await OpenPageAsync(browser, pageServer);
        await using CliHost publisher = CliHost.Start("publish", url, "--namespace", "interop/cli", "--track", "clock", "--clock", "--count", "600", "--cert-hash", hash);
        await publisher.WaitForOutputAsync("Publishing", StartTimeout);

        JsonElement result = await tab.EvaluateAsync<JsonElement>("args => window.MoqNetInterop.subscribe(args)", new
        {
            url,
            certificateSha256 = hash,
            @namespace = "interop/cli",
            track = "clock",
            count,
        }).WaitAsync(RunTimeout);
        output.WriteLine($"page: {result}");
        output.WriteLine($"publish: {publisher.Output}\n{publisher.Error}");
        output.WriteLine($"serve: {server.Error}");

        Assert.False(result.TryGetProperty("error", out JsonElement error), error.ToString());
        JsonElement[] objects = [.. result.GetProperty("objects").EnumerateArray()];
        Assert.Equal(count, objects.Length);
        Assert.All(objects, o => Assert.StartsWith("moqlive-clock ", o.GetProperty("payload").GetString(), StringComparison.Ordinal));

        // Every object from where the subscription joined: within a group the IDs are consecutive, and a new group
        // (one per second, ten objects each) starts at object 0 of the next group.
        for (int i = 1; i < objects.Length; i++)
        {
            (int g0, int o0) = (objects[i - 1].GetProperty("group").GetInt32(), objects[i - 1].GetProperty("object").GetInt32());
            (int g1, int o1) = (objects[i].GetProperty("group").GetInt32(), objects[i].GetProperty("object").GetInt32());
            Assert.True((g1 == g0 && o1 == o0 + 1) || (g1 == g0 + 1 && o1 == 0), $"gap or disorder: ({g0},{o0}) then ({g1},{o1})");
        }
    }

    private static async Task<CliHost> StartServerAsync()
    {
        CliHost server = CliHost.Start("serve", "--listen", "127.0.0.1:0", "--log-level", Environment.GetEnvironmentVariable("MOQLIVE_INTEROP_LOG_LEVEL") ?? "Information");
        await server.WaitForOutputAsync("Press Ctrl+C", StartTimeout);
        return server;
    }

    private static (string Url, string Hash, string Web) ServerUrls(CliHost server) =>
        (ServeBanner.WebTransportUrl().Match(server.Output).Groups[1].Value, ServeBanner.Hash().Match(server.Output).Groups[1].Value,
         ServeBanner.WebUrl().Match(server.Output).Groups[1].Value);

    private static async Task<LoopbackPageServer> InteropPageServerAsync()
    {
        Assert.True(File.Exists(BundlePath), $"{BundlePath} is missing: build it with `npm run build -w @moqlive/interop-moq-net` in web/ (test.sh does).");
        return new LoopbackPageServer(
            "<!doctype html><title>@moq/net interop</title><script src=\"/moq-net-interop.js\"></script>",
            new Dictionary<string, (byte[], string)> { ["/moq-net-interop.js"] = (await File.ReadAllBytesAsync(BundlePath), "text/javascript") });
    }

    private static async Task<IPage> OpenPageAsync(Chromium browser, LoopbackPageServer pageServer)
    {
        IPage page = await browser.OpenPageAsync("moq-net", pageServer.Url);
        Assert.True(await page.EvaluateAsync<bool>("() => window.isSecureContext && typeof window.MoqNetInterop?.publish === 'function'"));
        return page;
    }

    // The page's PUBLISH_NAMESPACE has reached the relay once the server's channel list shows it.
    private static async Task WaitForChannelAsync(string web, string hash, string channel, Task<JsonElement> page)
    {
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && Convert.ToHexStringLower(SHA256.HashData(cert.RawData)) == hash,
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(web), Timeout = TimeSpan.FromSeconds(20) };
        using var limit = new CancellationTokenSource(StartTimeout);
        while (true)
        {
            if (page.IsCompleted)
                Assert.Fail($"The page finished before its namespace was announced: {await page}");
            JsonElement channels = await http.GetFromJsonAsync<JsonElement>("/api/channels", limit.Token);
            if (channels.EnumerateArray().Any(c => c.GetProperty("name").GetString() == channel))
                return;
            await Task.Delay(100, limit.Token);
        }
    }
}
