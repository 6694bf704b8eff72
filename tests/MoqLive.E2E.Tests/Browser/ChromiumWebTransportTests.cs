using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using MoqLive.Testing;
using MoqLive.Transport;
using Xunit.Abstractions;

namespace MoqLive.E2E.Tests.Browser;

/// <summary>
/// Real Chromium (Debian's /usr/bin/chromium, headless, driven by Playwright) against our WebTransport server:
/// serverCertificateHashes with a fresh dev certificate, 1 MB echo on a client bidi stream, server-opened uni and
/// bidi streams, datagrams, and a close code and reason the server sees. Once per WebTransport draft Chromium
/// speaks: draft-02 (default) and draft-07 (<c>EnableWebTransportDraft07</c>, NOTES.md §2).
/// </summary>
[Trait("Category", "Browser")]
[Collection(nameof(BrowserCollection))]
public sealed class ChromiumWebTransportTests(ITestOutputHelper output)
{
    private const int Datagrams = 100;
    private const int CloseCode = 4242;
    private const string CloseReason = "bye from chromium";

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task Chromium_WebTransport_FullScenario(bool draft07, bool offerProtocol)
    {
        await using var server = await WebTransportTestServer.StartAsync();
        (JsonElement result, NetLogSummary netLog) = await RunPageAsync(server, draft07, offerProtocol);
        output.WriteLine(result.ToString());
        output.WriteLine($"net-log: {netLog}; server received {server.DatagramsReceived} datagrams");
        if (server.DatagramsReceived < Datagrams)
        {
            var missing = Enumerable.Range(0, Datagrams).Where(i => !server.DatagramPayloads.Contains($"datagram {i}"));
            output.WriteLine($"server missed datagrams {string.Join(',', missing)}");
        }
        foreach (string error in server.Errors)
            output.WriteLine("server: " + error);

        Assert.False(result.TryGetProperty("error", out JsonElement error1), error1.ToString());
        Assert.True(result.GetProperty("ready").GetBoolean());
        // Chromium's net-log says which draft the session runs (QUIC_SESSION_WEBTRANSPORT_SESSION_READY).
        Assert.Equal(draft07 ? "draft-07" : "draft-02", netLog.WebTransportVersion);
        Assert.Equal(1 << 20, result.GetProperty("echoLength").GetInt32());
        Assert.True(result.GetProperty("echoEqual").GetBoolean());
        Assert.Equal(WebTransportTestServer.UniGreeting, result.GetProperty("uniText").GetString());
        Assert.Equal(WebTransportTestServer.BidiGreeting, result.GetProperty("bidiText").GetString());
        Assert.Equal("reply from chromium", await server.BidiReply.Task.WithTimeout());
        // Datagrams are best-effort. Usually all 100 make the round trip, but the page sends them in 10 bursts over
        // ~50 ms and the receiving queues are bounded and drop the oldest (WebTransportSession keeps 64): a cold,
        // JIT-ing server on 2 busy cores once dequeued only 75 while Chromium's net-log showed 100 DATAGRAM frames sent.
        // The net-log counts in the output say on which side any went missing.
        Assert.InRange(server.DatagramsReceived, Datagrams / 2, Datagrams);
        Assert.InRange(result.GetProperty("datagramsEchoed").GetInt32(), Datagrams / 2, Datagrams);
        // protocols: ["moqt-19"] → wt-available-protocols; the server answers wt-protocol and Chromium 156 exposes it.
        Assert.Equal(offerProtocol ? "moqt-19" : null, server.SelectedProtocol);
        Assert.Equal(offerProtocol ? "moqt-19" : "", result.GetProperty("protocol").GetString());

        TransportCloseInfo info = await server.SessionClosed.Task.WithTimeout();
        Assert.Equal((ulong)CloseCode, info.ErrorCode);
        Assert.Equal(CloseReason, info.Reason);
        Assert.True(info.ClosedByPeer);
    }

    private async Task<(JsonElement Result, NetLogSummary NetLog)> RunPageAsync(WebTransportTestServer server, bool draft07, bool offerProtocol)
    {
        var stopwatch = Stopwatch.StartNew();
        string? netLog = null;
        Chromium chromium = await Chromium.LaunchAsync(
            draft07 ? ["--enable-features=EnableWebTransportDraft07"] : [],
            argumentsForUserDataDir: dir => [$"--log-net-log={netLog = Path.Combine(dir, "netlog.json")}"]);
        await using (chromium)
        {
            try
            {
                output.WriteLine($"chromium launched after {stopwatch.ElapsedMilliseconds} ms");
                IBrowserContext context = chromium.Context;
                IPage page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
                page.Console += (_, message) => output.WriteLine("console: " + message.Text);
                await using var pageServer = new LoopbackPageServer("<!doctype html><title>MoqLive WebTransport test</title>");
                await page.GotoAsync(pageServer.Url.ToString(), new PageGotoOptions { Timeout = 30_000 });
                Assert.True(await page.EvaluateAsync<bool>("() => window.isSecureContext && typeof WebTransport === 'function'"));

                stopwatch.Restart();
                JsonElement? evaluated = await page.EvaluateAsync<JsonElement>(LoadScript(), new
                {
                    url = $"https://127.0.0.1:{server.Port}/moq",
                    hash = Convert.ToBase64String(server.Certificate.LeafSha256),
                    protocols = offerProtocol ? new[] { "moqt-19" } : null,
                    datagrams = Datagrams,
                    closeCode = CloseCode,
                    reason = CloseReason,
                }).WithTimeout(TimeSpan.FromSeconds(120));
                output.WriteLine($"page scenario took {stopwatch.ElapsedMilliseconds} ms");
                JsonElement result = evaluated!.Value;
                stopwatch.Restart();
                // Closing the browser flushes the net-log; the user-data-dir goes when `chromium` is disposed.
                await context.DisposeAsync();
                output.WriteLine($"chromium closed after {stopwatch.ElapsedMilliseconds} ms");
                return (result, NetLogSummary.Read(File.Exists(netLog) ? await File.ReadAllTextAsync(netLog) : ""));
            }
            finally
            {
                if (Environment.GetEnvironmentVariable("MOQLIVE_KEEP_NETLOG") is { Length: > 0 } keep && File.Exists(netLog))
                    File.Copy(netLog, keep, overwrite: true);
            }
        }
    }

    private static string LoadScript()
    {
        using Stream stream = typeof(ChromiumWebTransportTests).Assembly.GetManifestResourceStream("webtransport-page.js")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
