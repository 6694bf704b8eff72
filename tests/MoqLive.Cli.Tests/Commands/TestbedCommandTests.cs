using MoqLive.Testing;

namespace MoqLive.Cli.Tests.Commands;

/// <summary>Argument handling of <c>moqlive testbed</c>; the network itself is exercised in tests/MoqLive.E2E.Tests/Testbed.</summary>
public sealed class TestbedCommandTests
{
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = await MoqLiveCli.InvokeAsync(args, output, error).WithTimeout();
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Check_UnknownProfile_FailsListingKnownProfiles()
    {
        (int exitCode, _, string error) = await RunAsync("testbed", "check", "--profile", "5g");

        Assert.Equal(1, exitCode);
        Assert.Contains("Unknown profile '5g'", error, StringComparison.Ordinal);
        Assert.Contains("wifi-congested", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownSystem_Fails()
    {
        (int exitCode, _, string error) = await RunAsync("testbed", "run", "--systems", "dash", "--out", Path.GetTempPath());

        Assert.Equal(1, exitCode);
        Assert.Contains("Unknown system 'dash'. Known: moqlive, moqlive-web, hls.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_TooManyViewers_IsAUsageError()
    {
        (int exitCode, _, string error) = await RunAsync("testbed", "up", "--viewers", "500");

        Assert.Equal(1, exitCode);
        Assert.Contains("--viewers must be between 1 and 200", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Down_NoSuchTestbed_DeletesNothing()
    {
        (int exitCode, string output, _) = await RunAsync("testbed", "down", "--name", "mlt999999999-1");

        Assert.Equal(0, exitCode);
        Assert.Contains("No testbed namespaces to delete", output, StringComparison.Ordinal);
    }
}
