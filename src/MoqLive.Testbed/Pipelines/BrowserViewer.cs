using System.Text.Json;
using Microsoft.Playwright;
using MoqLive.Testbed.Network;

namespace MoqLive.Testbed.Pipelines;

/// <summary>
/// Headless Chromium (Debian's /usr/bin/chromium, driven by Playwright without a browser download) running inside a
/// viewer's namespace: Playwright starts a small wrapper that does <c>ip netns exec NS chromium ...</c>, and talks to
/// the browser over the inherited pipe, so all page traffic leaves through the viewer's emulated link.
/// </summary>
public sealed class BrowserViewer : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly JsonSerializerOptions s_json = new() { PropertyNameCaseInsensitive = true };

    private readonly IPlaywright _playwright;
    private readonly IBrowserContext _context;
    private readonly string _directory;

    private BrowserViewer(IPlaywright playwright, IBrowserContext context, IPage page, string directory, TestbedHost host)
    {
        _playwright = playwright;
        _context = context;
        Page = page;
        _directory = directory;
        Host = host;
    }

    public TestbedHost Host { get; }

    public IPage Page { get; }

    /// <summary>
    /// Launches Chromium on <paramref name="host"/> and opens <paramref name="url"/>. <paramref name="initScript"/>, if
    /// any, runs in the page before its own scripts (how the measurement joins a page the testbed does not write);
    /// <paramref name="extraArguments"/> are added to Chromium's command line. HTTPS errors are ignored: the relay's
    /// development certificate names localhost, not the relay's testbed address (WebTransport still pins it by hash).
    /// </summary>
    public static async Task<BrowserViewer> StartAsync(
        TestbedHost host, Uri url, string directory, string? initScript, IReadOnlyList<string> extraArguments, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The testbed runs on Linux only (network namespaces).");
        }

        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (see .ci/run).");
        }

        Directory.CreateDirectory(directory);
        string wrapper = Path.Combine(directory, "chromium-in-netns.sh");
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nexec ip netns exec '{host.Namespace}' {ChromiumPath} \"$@\"\n", cancellationToken).ConfigureAwait(false);
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var playwright = await Playwright.CreateAsync().WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        try
        {
            var context = await playwright.Chromium.LaunchPersistentContextAsync(Path.Combine(directory, "profile"), new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = wrapper,
                Headless = true,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--autoplay-policy=no-user-gesture-required", "--disable-background-timer-throttling",
                    "--disable-renderer-backgrounding", .. extraArguments,
                ],
                IgnoreHTTPSErrors = true,
                Timeout = 90_000,
            }).WaitAsync(TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
            if (initScript is not null)
            {
                await context.AddInitScriptAsync(initScript).ConfigureAwait(false);
            }

            var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync().ConfigureAwait(false);
            await page.GotoAsync(url.ToString(), new PageGotoOptions { Timeout = 60_000 }).ConfigureAwait(false);
            return new BrowserViewer(playwright, context, page, directory, host);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>The page's measurements so far.</summary>
    public async Task<ViewerSnapshot> SnapshotAsync()
    {
        var json = await Page.EvaluateAsync<JsonElement>("() => window.testbedSnapshot()").ConfigureAwait(false);
        return json.Deserialize<ViewerSnapshot>(s_json) ?? new ViewerSnapshot();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _context.DisposeAsync().ConfigureAwait(false);
        }
        catch (PlaywrightException)
        {
            // The browser already went away; nothing left to close.
        }

        _playwright.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by an exiting child; the run's temp folder is removed later.
        }
    }
}
