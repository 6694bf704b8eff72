using System.Text.Json;
using Microsoft.Playwright;

namespace MoqLive.E2E.Tests.Browser;

/// <summary>The streamer and audience apps' test hook: each page's <c>window.__moqliveStats</c>.</summary>
internal static class AppPage
{
    public static async Task<JsonElement> StatsAsync(IPage page) =>
        await page.EvaluateAsync<JsonElement>("() => JSON.parse(JSON.stringify(window.__moqliveStats ?? null))");

    /// <summary>Waits (bounded) for a predicate over the page's stats; on timeout fails with the page's last stats.</summary>
    public static async Task WaitForAsync(IPage page, string predicate, TimeSpan timeout, string what)
    {
        try
        {
            await page.WaitForFunctionAsync($"() => window.__moqliveStats !== undefined && ({predicate})(window.__moqliveStats)", null,
                new PageWaitForFunctionOptions { Timeout = (float)timeout.TotalMilliseconds, PollingInterval = 50 });
        }
        catch (TimeoutException)
        {
            JsonElement stats = await StatsAsync(page);
            string summary = stats.ValueKind == JsonValueKind.Object
                ? string.Join(", ", stats.EnumerateObject().Where(p => p.Name != "latencySamplesMs").Select(p => $"{p.Name}={p.Value}"))
                : "no stats";
            Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting for {what} on {page.Url}: {summary}");
        }
    }
}
