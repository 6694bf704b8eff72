using Microsoft.Playwright;
using MoqLive.Testing;

namespace MoqLive.E2E.Tests.Browser;

/// <summary>
/// Debian's /usr/bin/chromium, headless, driven by Playwright (no browser download), with a fresh user-data-dir that is
/// deleted on dispose.
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

    private Chromium(IPlaywright playwright, IBrowserContext context, string userDataDir)
    {
        _playwright = playwright;
        Context = context;
        UserDataDir = userDataDir;
    }

    public IBrowserContext Context { get; }

    public string UserDataDir { get; }

    public static async Task<Chromium> LaunchAsync(IEnumerable<string> extraArguments, bool ignoreHttpsErrors = false, Func<string, IEnumerable<string>>? argumentsForUserDataDir = null)
    {
        string userDataDir = Directory.CreateTempSubdirectory("moqlive-chromium-").FullName;
        IPlaywright? playwright = null;
        try
        {
            playwright = await Playwright.CreateAsync().WithTimeout(TimeSpan.FromSeconds(60));
            var args = BaseArguments.Concat(extraArguments).Concat(argumentsForUserDataDir?.Invoke(userDataDir) ?? []).ToList();
            IBrowserContext context = await playwright.Chromium.LaunchPersistentContextAsync(userDataDir, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = args,
                Timeout = 60_000,
                IgnoreHTTPSErrors = ignoreHttpsErrors,
            }).WithTimeout(TimeSpan.FromSeconds(90));
            return new Chromium(playwright, context, userDataDir);
        }
        catch
        {
            playwright?.Dispose();
            DeleteDirectory(userDataDir);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        _playwright.Dispose();
        DeleteDirectory(UserDataDir);
    }

    private static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
