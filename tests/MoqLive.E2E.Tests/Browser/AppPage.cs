using System.Text.Json;
using Microsoft.Playwright;

namespace MoqLive.E2E.Tests.Browser;

/// <summary>The streamer and audience apps' test hook: each page's <c>window.__moqliveStats</c>.</summary>
internal static class AppPage
{
    public static async Task<JsonElement> StatsAsync(IPage page) =>
        await page.EvaluateAsync<JsonElement>("() => JSON.parse(JSON.stringify(window.__moqliveStats ?? null))");

    /// <summary>
    /// Init script: keeps the page's main-thread long tasks (PerformanceObserver "longtask": tasks over 50 ms) as
    /// [start, duration] pairs in <c>window.__longTasks</c>, for <see cref="LongTasksDuringJoinAsync"/>.
    /// </summary>
    public const string LongTaskRecorder =
        "window.__longTasks = []; new PerformanceObserver(list => { for (const e of list.getEntries()) " +
        "window.__longTasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true });";

    /// <summary>
    /// The audience page's main-thread long tasks from its join (the <c>moqlive:join</c> mark) to its first frame, as
    /// "+START DURATION" in ms after the join: the time the page's own JavaScript could not run (issue 5's join timeline).
    /// </summary>
    public static async Task<string> LongTasksDuringJoinAsync(IPage page) =>
        await page.EvaluateAsync<string>(
            """
            () => {
              const join = performance.getEntriesByName('moqlive:join').at(-1)?.startTime ?? 0;
              const end = join + (window.__moqliveStats?.joinTimelineMs?.['first-frame'] ?? 5000);
              const tasks = (window.__longTasks ?? []).filter(([start, duration]) => start + duration >= join && start <= end);
              return tasks.map(([start, duration]) => `+${Math.round(start - join)} ${Math.round(duration)}`).join(', ')
                + ` (${Math.round(tasks.reduce((sum, [, duration]) => sum + duration, 0))} ms in all)`;
            }
            """);

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
