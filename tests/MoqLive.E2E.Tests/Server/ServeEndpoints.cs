namespace MoqLive.E2E.Tests.Server;

/// <summary>The URLs and certificate hash <c>moqlive serve</c> prints at start.</summary>
internal sealed record ServeEndpoints(string WebTransportUrl, string WebUrl, string CertificateSha256)
{
    /// <summary>Starts <c>moqlive serve</c> on 127.0.0.1 (port 0) and reads its endpoints once it is up.</summary>
    public static async Task<(CliHost Server, ServeEndpoints Endpoints)> StartServeAsync(TimeSpan timeout, params string[] extraArgs)
    {
        CliHost server = CliHost.Start(["serve", "--listen", "127.0.0.1:0", "--log-level", "Warning", .. extraArgs]);
        await server.WaitForOutputAsync("Press Ctrl+C", timeout);
        return (server, Read(server.Output));
    }

    /// <summary>The endpoints in a serve banner.</summary>
    public static ServeEndpoints Read(string output) => new(
        ServeBanner.WebTransportUrl().Match(output).Groups[1].Value,
        ServeBanner.WebUrl().Match(output).Groups[1].Value,
        ServeBanner.Hash().Match(output).Groups[1].Value);
}
