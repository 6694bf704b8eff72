using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace MoqLive.E2E.Tests.Server;

/// <summary>
/// <c>moqlive publish --clock</c> → <c>moqlive serve</c> → <c>moqlive subscribe --json</c> over real QUIC on loopback, for
/// raw QUIC (<c>moqt://</c>) and WebTransport (<c>https://…/moq</c>); plus the HTTPS site of the same server. All three
/// commands run in-process through <c>MoqLiveCli.InvokeAsync</c>, the executable's code path. Binds 127.0.0.1 only.
/// </summary>
public sealed class MoqtLoopbackTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PublishClock_ServeRelays_SubscribeJsonGetsObjectsInOrderWithLowLatency(bool webTransport)
    {
        await using CliHost server = CliHost.Start("serve", "--listen", "127.0.0.1:0", "--log-level", "Warning");
        await server.WaitForOutputAsync("Press Ctrl+C", StartTimeout);
        string url = (webTransport ? ServeBanner.WebTransportUrl() : ServeBanner.MoqtUrl()).Match(server.Output).Groups[1].Value;
        string hash = ServeBanner.Hash().Match(server.Output).Groups[1].Value;
        string ns = webTransport ? "e2e/wt" : "e2e/quic";

        await using CliHost publisher = CliHost.Start("publish", url, "--namespace", ns, "--track", "clock", "--clock", "--count", "600", "--cert-hash", hash);
        await publisher.WaitForOutputAsync("Publishing", StartTimeout);
        await using CliHost subscriber = CliHost.Start("subscribe", url, "--namespace", ns, "--track", "clock", "--json", "--count", "25", "--cert-hash", hash);

        int exit = await subscriber.Exit.WaitAsync(RunTimeout);
        Assert.True(exit == 0, $"subscribe exited {exit}: {subscriber.Error}");
        string[] lines = subscriber.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(25, lines.Length);
        var objects = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        for (int i = 1; i < objects.Count; i++)
        {
            (ulong g0, ulong o0) = (objects[i - 1].GetProperty("group").GetUInt64(), objects[i - 1].GetProperty("object").GetUInt64());
            (ulong g1, ulong o1) = (objects[i].GetProperty("group").GetUInt64(), objects[i].GetProperty("object").GetUInt64());
            Assert.True(g1 > g0 || (g1 == g0 && o1 == o0 + 1), $"out of order: {lines[i - 1]} then {lines[i]}");
        }
        Assert.All(objects, o => Assert.Equal(0UL, o.GetProperty("subgroup").GetUInt64()));
        Assert.All(objects, o => Assert.True(o.GetProperty("size").GetInt32() > 0));
        // The first objects can be catch-up from the cache (LargestObject start); live ones arrive within a few ms on
        // loopback. Generous bound for a shared 2-core machine.
        double[] live = [.. objects.Skip(15).Select(o => o.GetProperty("latencyMs").GetDouble())];
        Assert.All(live, l => Assert.InRange(l, -50, 1000));
        Assert.True(live.Order().ElementAt(live.Length / 2) < 250, $"median latency too high: {string.Join(", ", live)}");

        Assert.Equal(0, await publisher.StopAsync(RunTimeout));
        Assert.Equal(0, await server.StopAsync(RunTimeout));
        Assert.Contains("Stopped.", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_HttpsSite_ServesCertificateHashChannelsAndStats()
    {
        await using CliHost server = CliHost.Start("serve", "--listen", "127.0.0.1:0", "--log-level", "Warning");
        await server.WaitForOutputAsync("Press Ctrl+C", StartTimeout);
        string web = ServeBanner.WebUrl().Match(server.Output).Groups[1].Value;
        string moqt = ServeBanner.MoqtUrl().Match(server.Output).Groups[1].Value;
        string hash = ServeBanner.Hash().Match(server.Output).Groups[1].Value;
        using var handler = new HttpClientHandler
        {
            // Pin the development certificate the same way browsers do with serverCertificateHashes.
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
                cert is not null && Convert.ToHexStringLower(SHA256.HashData(cert.RawData)) == hash,
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(web), Timeout = TimeSpan.FromSeconds(20) };

        Assert.Equal(hash, (await http.GetStringAsync("/certificate.sha256")).Trim());
        // The pages carry the hash and the MOQT path, so they connect without fetching it first (issue 5).
        using (HttpResponseMessage watch = await http.GetAsync("/watch/?channel=alice"))
        {
            Assert.Equal("no-store", watch.Headers.CacheControl?.ToString());
            string page = await watch.Content.ReadAsStringAsync();
            Assert.Contains($"<meta name=\"moqlive-certificate-sha256\" content=\"{hash}\" />", page, StringComparison.Ordinal);
            Assert.Contains("<meta name=\"moqlive-moqt-path\" content=\"/moq\" />", page, StringComparison.Ordinal);
        }

        JsonElement certificate = await http.GetFromJsonAsync<JsonElement>("/api/certificate");
        Assert.Equal("sha-256", certificate.GetProperty("algorithm").GetString());
        Assert.Equal(32, certificate.GetProperty("value").GetArrayLength());
        Assert.Equal(0, (await http.GetFromJsonAsync<JsonElement>("/api/channels")).GetArrayLength());
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        long serverMicros = (await http.GetFromJsonAsync<JsonElement>("/api/time")).GetProperty("unixMicros").GetInt64();
        Assert.InRange(serverMicros, before - 1_000_000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000 + 1_000_000);

        await using CliHost publisher = CliHost.Start("publish", moqt, "--namespace", "live/alice", "--track", "clock", "--clock", "--count", "600", "--cert-hash", hash);
        await publisher.WaitForOutputAsync("Publishing", StartTimeout);
        JsonElement channels = await http.GetFromJsonAsync<JsonElement>("/api/channels");
        Assert.Equal("alice", Assert.Single(channels.EnumerateArray()).GetProperty("name").GetString());
        JsonElement stats = await http.GetFromJsonAsync<JsonElement>("/api/stats");
        Assert.Equal(1, stats.GetProperty("sessions").GetProperty("active").GetInt64());

        // A subscriber to a namespace nobody publishes gets the relay's REQUEST_ERROR text.
        await using CliHost missing = CliHost.Start("subscribe", moqt, "--namespace", "nobody", "--track", "clock", "--cert-hash", hash);
        Assert.Equal(1, await missing.Exit.WaitAsync(RunTimeout));
        Assert.Contains("REQUEST_ERROR DoesNotExist", missing.Error, StringComparison.Ordinal);

        Assert.Equal(0, await publisher.StopAsync(RunTimeout));
        Assert.Equal(0, await server.StopAsync(RunTimeout));
    }

    [Fact]
    public async Task Subscribe_NoServer_FailsWithReachabilityError()
    {
        await using CliHost subscriber = CliHost.Start("subscribe", "moqt://127.0.0.1:9/", "--namespace", "x", "--track", "y", "--insecure");

        Assert.Equal(1, await subscriber.Exit.WaitAsync(RunTimeout));
        Assert.Contains("cannot reach a MoqLive server at 127.0.0.1:9", subscriber.Error, StringComparison.Ordinal);
    }
}
