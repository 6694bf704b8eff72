using System.Diagnostics;
using Microsoft.Playwright;
using MoqLive.Testing;
using Xunit.Abstractions;

namespace MoqLive.E2E.Tests.Browser;

/// <summary>How a test's Chromium starts.</summary>
internal sealed record ChromiumOptions
{
    /// <summary>Flags after <see cref="Chromium.BaseArguments"/> (fake devices, features, autoplay).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Accept the dev certificate on https pages (`moqlive serve`'s web server).</summary>
    public bool IgnoreHttpsErrors { get; init; }

    /// <summary>
    /// Write Chromium's net-log into the profile; <see cref="Chromium.CloseAsync"/> returns it. Always on when
    /// MOQLIVE_KEEP_NETLOG names a file (every browser test then keeps its net-log there).
    /// </summary>
    public bool NetLog { get; init; }

    /// <summary>Console message types copied to the test output (all when null).</summary>
    public IReadOnlySet<string>? ConsoleTypes { get; init; }
}

/// <summary>
/// The one launcher of every browser test: Debian's /usr/bin/chromium, headless, driven by Playwright (its bundled driver;
/// no browser download), with a fresh user-data directory that is deleted on dispose. Each tab's console and page
/// errors go to the test output under a label.
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>The flags every browser test uses (helper brief: no sandbox, GPU, first-run UI or background traffic).</summary>
    public static readonly IReadOnlyList<string> BaseArguments =
    [
        "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;
    private readonly ITestOutputHelper _output;
    private readonly ChromiumOptions _options;
    private bool _firstPageTaken;
    private bool _closed;

    private Chromium(IPlaywright playwright, IBrowserContext context, string userDataDir, ITestOutputHelper output, ChromiumOptions options)
    {
        _playwright = playwright;
        Context = context;
        UserDataDir = userDataDir;
        _output = output;
        _options = options;
    }

    public IBrowserContext Context { get; }

    public string UserDataDir { get; }

    /// <summary>Chromium's net-log (with <see cref="ChromiumOptions.NetLog"/>; complete once the browser is closed).</summary>
    public string NetLogPath => Path.Combine(UserDataDir, "netlog.json");

    public static async Task<Chromium> LaunchAsync(ITestOutputHelper output, ChromiumOptions? options = null)
    {
        options ??= new ChromiumOptions();
        string userDataDir = Directory.CreateTempSubdirectory("moqlive-chromium-").FullName;
        var stopwatch = Stopwatch.StartNew();
        IPlaywright? playwright = null;
        try
        {
            playwright = await Playwright.CreateAsync().WithTimeout(TimeSpan.FromSeconds(60));
            List<string> args = [.. BaseArguments, .. options.Arguments];
            if (options.NetLog || KeepNetLogPath is not null)
                args.Add($"--log-net-log={Path.Combine(userDataDir, "netlog.json")}");
            IBrowserContext context = await playwright.Chromium.LaunchPersistentContextAsync(userDataDir, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = args,
                Timeout = 60_000,
                IgnoreHTTPSErrors = options.IgnoreHttpsErrors,
            }).WithTimeout(TimeSpan.FromSeconds(90));
            output.WriteLine($"chromium launched after {stopwatch.ElapsedMilliseconds} ms");
            return new Chromium(playwright, context, userDataDir, output, options);
        }
        catch
        {
            playwright?.Dispose();
            DeleteDirectory(userDataDir);
            throw;
        }
    }

    /// <summary>A tab (the profile's first one, then new ones) whose console goes to the output as <paramref name="label"/>, opened on <paramref name="url"/>.</summary>
    public async Task<IPage> OpenPageAsync(string label, Uri? url = null)
    {
        IPage page = !_firstPageTaken && Context.Pages.Count > 0 ? Context.Pages[0] : await Context.NewPageAsync();
        _firstPageTaken = true;
        page.Console += (_, message) =>
        {
            if (_options.ConsoleTypes is null || _options.ConsoleTypes.Contains(message.Type))
                _output.WriteLine($"{label} console {message.Type}: {message.Text}");
        };
        page.PageError += (_, error) => _output.WriteLine($"{label} page error: {error}");
        if (url is not null)
            await page.GotoAsync(url.ToString(), new PageGotoOptions { Timeout = 30_000 });
        return page;
    }

    /// <summary>Closes the browser (flushing the net-log) and returns the net-log text ("" without one).</summary>
    public async Task<string> CloseAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        _closed = true;
        await Context.DisposeAsync();
        _output.WriteLine($"chromium closed after {stopwatch.ElapsedMilliseconds} ms");
        KeepNetLog();
        return File.Exists(NetLogPath) ? await File.ReadAllTextAsync(NetLogPath) : "";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_closed)
        {
            await Context.DisposeAsync();
            KeepNetLog();
        }
        _playwright.Dispose();
        DeleteDirectory(UserDataDir);
    }

    /// <summary>Where MOQLIVE_KEEP_NETLOG asks the net-log of the last browser to be kept (null: not kept).</summary>
    private static string? KeepNetLogPath => Environment.GetEnvironmentVariable("MOQLIVE_KEEP_NETLOG") is { Length: > 0 } keep ? keep : null;

    private void KeepNetLog()
    {
        if (KeepNetLogPath is { } keep && File.Exists(NetLogPath))
            File.Copy(NetLogPath, keep, overwrite: true);
    }

    private static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be writing as it exits; a leftover temp folder is harmless.
        }
    }
}
