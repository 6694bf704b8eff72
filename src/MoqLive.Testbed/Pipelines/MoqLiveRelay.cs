using System.Globalization;
using System.Text.RegularExpressions;
using MoqLive.Testbed.Network;
using MoqLive.Testbed.Processes;

namespace MoqLive.Testbed.Pipelines;

/// <summary>
/// MoqLive's relay under test: <c>moqlive serve</c> in the relay namespace, as a user runs it (development certificate,
/// default relay settings), serving MOQT over QUIC and WebTransport and the browser apps over HTTPS on one port.
/// </summary>
public sealed partial class MoqLiveRelay : IAsyncDisposable
{
    /// <summary>UDP and TCP port (the relay namespace is private, so a fixed port cannot collide).</summary>
    public const int Port = 4443;

    private static readonly TimeSpan StartupLimit = TimeSpan.FromSeconds(60);

    private readonly BackgroundProcess _process;

    private MoqLiveRelay(BackgroundProcess process, TestbedHost host, string certificateHash)
    {
        _process = process;
        Host = host;
        CertificateHash = certificateHash;
    }

    public TestbedHost Host { get; }

    /// <summary>SHA-256 of the relay's certificate (hex), as <c>serve</c> prints it.</summary>
    public string CertificateHash { get; }

    /// <summary>Raw-QUIC MOQT URL the publisher connects to.</summary>
    public string MoqtUrl => string.Create(CultureInfo.InvariantCulture, $"moqt://{Host.Address}:{Port}/");

    /// <summary>The web apps' origin.</summary>
    public Uri WebUrl => new(string.Create(CultureInfo.InvariantCulture, $"https://{Host.Address}:{Port}/"));

    public BackgroundProcess Process => _process;

    /// <summary>Starts <c>moqlive serve</c> on <paramref name="relay"/> and waits until it listens.</summary>
    public static async Task<MoqLiveRelay> StartAsync(TestbedHost relay, string moqliveDll, TimeProvider time, CancellationToken cancellationToken)
    {
        // The web apps as the build put them beside moqlive.dll (serve's default looks beside the executable: here dotnet).
        string webRoot = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(moqliveDll))!, "wwwroot");
        if (!File.Exists(Path.Combine(webRoot, "watch", "index.html")))
        {
            throw new InvalidOperationException($"{webRoot} has no audience app: build src/MoqLive.Cli with the web apps (Node and npm, see README).");
        }

        var process = BackgroundProcess.Start("moqlive serve", "ip", Exec(relay, moqliveDll,
            "serve", "--listen", string.Create(CultureInfo.InvariantCulture, $"{relay.Address}:{Port}"), "--web-root", webRoot, "--log-level", "Warning"), time);
        try
        {
            await process.WaitForOutputAsync("Press Ctrl+C", StartupLimit, cancellationToken).ConfigureAwait(false);
            string hash = HashPattern().Match(process.Output) is { Success: true } match
                ? match.Groups[1].Value
                : throw new InvalidOperationException($"moqlive serve printed no certificate hash:\n{BackgroundProcess.Tail(process.Output)}");
            return new MoqLiveRelay(process, relay, hash);
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The arguments of <c>ip</c> that run <c>moqlive</c> (<paramref name="moqliveDll"/>, on the same .NET host as this
    /// process when it is one) on <paramref name="host"/>.
    /// </summary>
    public static string[] Exec(TestbedHost host, string moqliveDll, params IEnumerable<string> arguments)
    {
        if (!File.Exists(moqliveDll))
        {
            throw new InvalidOperationException($"{moqliveDll} is missing: build src/MoqLive.Cli.");
        }

        string dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        return TestbedNetwork.Exec(host, dotnet, [moqliveDll, .. arguments]);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    [GeneratedRegex("Certificate SHA-256: ([0-9a-f]{64})")]
    private static partial Regex HashPattern();
}
