using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using MoqLive.Testing;
using MoqLive.Testing.Scenarios;
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
    private const int DatagramRounds = 20;
    private const int CloseCode = 4242;
    private const string CloseReason = "bye from chromium";

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task Chromium_WebTransport_FullScenario(bool draft07, bool offerProtocol)
    {
        await using var server = await WebTransportTestServer.StartAsync();
        EchoScenarioServer scenario = server.Scenario;
        (JsonElement result, NetLogSummary netLog) = await RunPageAsync(server, draft07, offerProtocol);
        output.WriteLine(result.ToString());
        output.WriteLine($"net-log: {netLog}; server received {scenario.DatagramsReceived} datagrams " +
            $"({scenario.DatagramPayloads.Count} distinct), its session queue dropped {server.FirstSession?.DatagramsDropped}");
        foreach (string error in scenario.Errors)
            output.WriteLine("server: " + error);

        Assert.False(result.TryGetProperty("error", out JsonElement error1), error1.ToString());
        Assert.True(result.GetProperty("ready").GetBoolean());
        // Chromium's net-log says which draft the session runs (QUIC_SESSION_WEBTRANSPORT_SESSION_READY).
        Assert.Equal(draft07 ? "draft-07" : "draft-02", netLog.WebTransportVersion);
        Assert.Equal(1 << 20, result.GetProperty("echoLength").GetInt32());
        Assert.True(result.GetProperty("echoEqual").GetBoolean());
        Assert.Equal(EchoScenarioServer.UniGreeting, result.GetProperty("uniText").GetString());
        Assert.Equal(EchoScenarioServer.BidiGreeting, result.GetProperty("bidiText").GetString());
        Assert.Equal(EchoScenarioClient.BidiReply, await scenario.BidiReply.Task.WithTimeout());
        // Datagrams are best-effort and the queues on the way are bounded and drop (WebTransportSession's receive
        // queue drops its oldest, counted in DatagramsDropped): a cold, JIT-ing server on 2 busy cores once dequeued
        // only 75 of 100 sent in one pass. So the page resends what has not come back, and every one of the 100
        // distinct payloads must have made the round trip: received by the server and echoed to the page.
        Assert.Equal(Datagrams, scenario.DatagramPayloads.Count);
        Assert.All(scenario.DatagramPayloads.Keys, p => Assert.StartsWith("datagram ", p, StringComparison.Ordinal));
        Assert.Equal(Datagrams, result.GetProperty("datagramsEchoed").GetInt32());
        // protocols: ["moqt-19"] → wt-available-protocols; the server answers wt-protocol and Chromium 156 exposes it.
        Assert.Equal(offerProtocol ? "moqt-19" : null, server.SelectedProtocol);
        Assert.Equal(offerProtocol ? "moqt-19" : "", result.GetProperty("protocol").GetString());

        TransportCloseInfo info = await scenario.SessionClosed.Task.WithTimeout();
        Assert.Equal((ulong)CloseCode, info.ErrorCode);
        Assert.Equal(CloseReason, info.Reason);
        Assert.True(info.ClosedByPeer);
    }

    private async Task<(JsonElement Result, NetLogSummary NetLog)> RunPageAsync(WebTransportTestServer server, bool draft07, bool offerProtocol)
    {
        await using Chromium browser = await Chromium.LaunchAsync(output, new ChromiumOptions
        {
            Arguments = draft07 ? ["--enable-features=EnableWebTransportDraft07"] : [],
            NetLog = true,
        });
        await using var pageServer = new LoopbackPageServer("<!doctype html><title>MoqLive WebTransport test</title>");
        IPage page = await browser.OpenPageAsync("page", pageServer.Url);
        Assert.True(await page.EvaluateAsync<bool>("() => window.isSecureContext && typeof WebTransport === 'function'"));

        var stopwatch = Stopwatch.StartNew();
        JsonElement? evaluated = await page.EvaluateAsync<JsonElement>(LoadScript(), new
        {
            url = $"https://127.0.0.1:{server.Port}/moq",
            hash = Convert.ToBase64String(server.Certificate.LeafSha256),
            protocols = offerProtocol ? new[] { "moqt-19" } : null,
            datagrams = Datagrams,
            datagramRounds = DatagramRounds,
            closeCode = CloseCode,
            reason = CloseReason,
        }).WithTimeout(TimeSpan.FromSeconds(120));
        output.WriteLine($"page scenario took {stopwatch.ElapsedMilliseconds} ms");
        JsonElement result = evaluated!.Value;
        return (result, NetLogSummary.Read(await browser.CloseAsync()));
    }

    private static string LoadScript()
    {
        using Stream stream = typeof(ChromiumWebTransportTests).Assembly.GetManifestResourceStream("webtransport-page.js")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
