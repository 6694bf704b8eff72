using System.Text.RegularExpressions;

namespace MoqLive.E2E.Tests.Server;

/// <summary>The URLs and certificate hash <c>moqlive serve</c> prints at start.</summary>
internal sealed partial record ServeEndpoints(string WebTransportUrl, string WebUrl, string CertificateSha256)
{
    [GeneratedRegex(@"MOQT WebTransport\s+(https://\S+)")]
    private static partial Regex WebTransportUrlPattern();

    [GeneratedRegex(@"Web \(HTTPS\)\s+(https://\S+)")]
    private static partial Regex WebUrlPattern();

    [GeneratedRegex(@"Certificate SHA-256: ([0-9a-f]{64})")]
    private static partial Regex HashPattern();

    /// <summary>Starts <c>moqlive serve</c> on 127.0.0.1 (port 0) and reads its endpoints once it is up.</summary>
    public static async Task<(CliHost Server, ServeEndpoints Endpoints)> StartServeAsync(TimeSpan timeout)
    {
        CliHost server = CliHost.Start("serve", "--listen", "127.0.0.1:0", "--log-level", "Warning");
        await server.WaitForOutputAsync("Press Ctrl+C", timeout);
        string output = server.Output;
        return (server, new ServeEndpoints(
            WebTransportUrlPattern().Match(output).Groups[1].Value,
            WebUrlPattern().Match(output).Groups[1].Value,
            HashPattern().Match(output).Groups[1].Value));
    }
}
