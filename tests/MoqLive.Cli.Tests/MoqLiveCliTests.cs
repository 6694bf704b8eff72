using MoqLive.Testing;

namespace MoqLive.Cli.Tests;

public sealed class MoqLiveCliTests
{
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = await MoqLiveCli.InvokeAsync(args, output, error).WithTimeout();
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Help_Root_ListsCommandGroups()
    {
        (int exitCode, string output, _) = await RunAsync("--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("cert", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_CertGroup_ListsCreate()
    {
        (int exitCode, string output, _) = await RunAsync("cert", "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("create", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_FailsWithError()
    {
        (int exitCode, _, string error) = await RunAsync("no-such-command");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("no-such-command", error, StringComparison.Ordinal);
    }
}
