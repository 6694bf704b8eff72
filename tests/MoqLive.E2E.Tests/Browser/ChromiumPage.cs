using Microsoft.Playwright;
using MoqLive.Testing;
using Xunit.Abstractions;

namespace MoqLive.E2E.Tests.Browser;

/// <summary>
/// A headless Debian Chromium (fresh profile, no sandbox) with one or more tabs on a loopback page that runs a bundle
/// from <c>web/packages/e2e-pages/dist</c> (built by <c>npm run build -w @moqlive/e2e-pages</c>, which test.sh runs).
/// </summary>
internal sealed class ChromiumPage : IAsyncDisposable
{
    private readonly Chromium _chromium;
    private readonly LoopbackPageServer _pageServer;
    private readonly ITestOutputHelper _output;

    private ChromiumPage(Chromium chromium, LoopbackPageServer pageServer, ITestOutputHelper output)
    {
        _chromium = chromium;
        _pageServer = pageServer;
        _output = output;
    }

    /// <summary>The bundle's text; fails with the build command when it has not been built.</summary>
    public static string LoadBundle(string name)
    {
        string path = System.IO.Path.Combine(RepositoryRoot.Path, "web", "packages", "e2e-pages", "dist", name);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} is missing: run `npm ci && npm run build -w @moqlive/e2e-pages` in web/ (./test.sh does).", path);
        return File.ReadAllText(path);
    }

    /// <summary>Launches Chromium and serves a page that runs <paramref name="bundle"/> (a dist/*.js file name).</summary>
    public static async Task<ChromiumPage> LaunchAsync(string bundle, ITestOutputHelper output)
    {
        string script = LoadBundle(bundle);
        Chromium chromium = await Chromium.LaunchAsync([]);
        var pageServer = new LoopbackPageServer($"<!doctype html><meta charset=\"utf-8\"><title>MoqLive E2E</title><body><script>{script}</script>");
        return new ChromiumPage(chromium, pageServer, output);
    }

    /// <summary>Opens a new tab on the page (each tab runs the bundle on its own).</summary>
    public async Task<IPage> OpenTabAsync(string label)
    {
        IPage page = await _chromium.Context.NewPageAsync();
        page.Console += (_, message) => _output.WriteLine($"{label} console: {message.Text}");
        page.PageError += (_, error) => _output.WriteLine($"{label} page error: {error}");
        await page.GotoAsync(_pageServer.Url.ToString(), new PageGotoOptions { Timeout = 30_000 });
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await _chromium.DisposeAsync();
        await _pageServer.DisposeAsync();
    }
}
