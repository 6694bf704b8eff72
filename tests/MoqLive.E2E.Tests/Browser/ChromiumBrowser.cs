using System.Diagnostics;
using Microsoft.Playwright;
using MoqLive.Testing;
using Xunit.Abstractions;

namespace MoqLive.E2E.Tests.Browser;

/// <summary>
/// Debian's /usr/bin/chromium, headless, driven by Playwright (its bundled driver; no browser download), with a fresh
/// user-data directory (deleted on dispose) and a net-log in it; console messages go to the test output.
/// </summary>
internal sealed class ChromiumBrowser : IAsyncDisposable
{
    private const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowserContext _context;
    private readonly string _userDataDir;
    private readonly ITestOutputHelper _output;

    private ChromiumBrowser(IPlaywright playwright, IBrowserContext context, IPage page, string userDataDir, ITestOutputHelper output)
    {
        _playwright = playwright;
        _context = context;
        Page = page;
        _userDataDir = userDataDir;
        _output = output;
    }

    public IPage Page { get; }

    /// <summary>Chromium's net-log (complete once the browser is closed).</summary>
    public string NetLogPath => Path.Combine(_userDataDir, "netlog.json");

    public static async Task<ChromiumBrowser> LaunchAsync(ITestOutputHelper output, params string[] extraArgs)
    {
        string userDataDir = Directory.CreateTempSubdirectory("moqlive-chromium-").FullName;
        var stopwatch = Stopwatch.StartNew();
        IPlaywright playwright = await Playwright.CreateAsync().WithTimeout(TimeSpan.FromSeconds(60));
        try
        {
            string[] args =
            [
                "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", $"--log-net-log={Path.Combine(userDataDir, "netlog.json")}", .. extraArgs,
            ];
            IBrowserContext context = await playwright.Chromium.LaunchPersistentContextAsync(userDataDir, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = args,
                Timeout = 60_000,
            }).WithTimeout(TimeSpan.FromSeconds(90));
            output.WriteLine($"chromium launched after {stopwatch.ElapsedMilliseconds} ms");
            IPage page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
            page.Console += (_, message) => output.WriteLine("console: " + message.Text);
            return new ChromiumBrowser(playwright, context, page, userDataDir, output);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Closes the browser (flushing the net-log) and returns the net-log text.</summary>
    public async Task<string> CloseAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        await _context.DisposeAsync();
        _output.WriteLine($"chromium closed after {stopwatch.ElapsedMilliseconds} ms");
        if (Environment.GetEnvironmentVariable("MOQLIVE_KEEP_NETLOG") is { Length: > 0 } keep && File.Exists(NetLogPath))
            File.Copy(NetLogPath, keep, overwrite: true);
        return File.Exists(NetLogPath) ? await File.ReadAllTextAsync(NetLogPath) : "";
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        _playwright.Dispose();
        try
        {
            Directory.Delete(_userDataDir, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be writing as it exits; a leftover temp folder is harmless.
        }
    }
}
