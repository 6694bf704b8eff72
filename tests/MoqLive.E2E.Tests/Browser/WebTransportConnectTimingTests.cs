using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using MoqLive.E2E.Tests.Server;
using MoqLive.Testing;
using Xunit.Abstractions;

namespace MoqLive.E2E.Tests.Browser;

/// <summary>
/// Issue 5 probe: how long a browser MOQT session takes to come up against <c>moqlive serve</c>, step by step, from a
/// page on the server's own HTTPS site (as the audience app connects): the fetch of <c>/certificate.sha256</c>,
/// <c>new WebTransport(url)</c> → <c>ready</c>, and → the server's MOQT SETUP; then the audience app's join → <c>connected</c>;
/// plus Chromium's net-log view of each WebTransport handshake. Prints the figures (BENCHMARKS.md "Browser apps" records them); asserts only that every session
/// comes up.
/// </summary>
[Trait("Category", "Browser")]
[Collection(nameof(BrowserCollection))]
public sealed class WebTransportConnectTimingTests(ITestOutputHelper output)
{
    private const int Connects = 5;
    private const int Viewers = 2;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AppsOriginPage_ConnectsRepeatedly_EverySessionComesUp()
    {
        (CliHost server, ServeEndpoints endpoints) = await ServeEndpoints.StartServeAsync(Timeout);
        await using (server)
        {
            await using Chromium chromium = await Chromium.LaunchAsync(output, new ChromiumOptions
            {
                // The audience page plays audio without a gesture (otherwise it plays video only and offers sound on Join).
                Arguments = ["--autoplay-policy=no-user-gesture-required"],
                IgnoreHttpsErrors = true,
                NetLog = true,
            });
            IPage page = await chromium.OpenPageAsync("probe", new Uri(endpoints.WebUrl));
            await page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = LoopbackPageServer.BundleScript("moqt-page.js") });

            for (int i = 0; i < Connects; i++)
            {
                JsonElement timed = await page.EvaluateAsync<JsonElement>("url => window.moqtE2E.connectTimed(url, null)", endpoints.WebTransportUrl)
                    .WithTimeout(Timeout);
                double certificate = timed.GetProperty("certificateFetchMs").GetDouble();
                double ready = timed.GetProperty("readyMs").GetDouble();
                double setup = timed.GetProperty("serverSetupMs").GetDouble();
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"connect {i + 1}: /certificate.sha256 {certificate:F1} ms, new WebTransport → ready {ready:F1} ms, → SERVER SETUP {setup:F1} ms"));
                Assert.StartsWith("MoqLive", timed.GetProperty("implementation").GetString(), StringComparison.Ordinal);
                Assert.True(ready > 0 && setup >= ready, $"ready at {ready} ms, SETUP at {setup} ms");
            }

            // The audience app's own join (no streamer on the channel: only the session matters here), as BrowserAppsTests
            // reads it: join → `connected` in the page's join timeline.
            for (int i = 0; i < Viewers; i++)
            {
                IPage viewer = await chromium.OpenPageAsync($"viewer{i + 1}", new Uri(new Uri(endpoints.WebUrl), "/watch/?channel=connectprobe"));
                await AppPage.WaitForAsync(viewer, "s => s.joinTimelineMs.connected !== undefined", Timeout, "the viewer's session");
                JsonElement timeline = (await AppPage.StatsAsync(viewer)).GetProperty("joinTimelineMs");
                output.WriteLine($"viewer {i + 1} join timeline (ms after join): {timeline}");
                await viewer.CloseAsync();
            }

            string netLog = await chromium.CloseAsync();
            foreach (string line in NetLogSummary.WebTransportHandshakes(netLog))
                output.WriteLine(line);
        }
    }
}
