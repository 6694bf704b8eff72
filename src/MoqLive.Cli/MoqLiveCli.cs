using System.CommandLine;
using MoqLive.Cli.Commands;

namespace MoqLive.Cli;

/// <summary>
/// Builds the <c>moqlive</c> command tree (one file per command group under <c>Commands/</c>) and runs it.
/// Commands stay thin: they parse and validate arguments, call the libraries, and print results.
/// </summary>
internal static class MoqLiveCli
{
    public static RootCommand CreateRootCommand(TimeProvider? timeProvider = null)
    {
        timeProvider ??= TimeProvider.System;
        return new RootCommand("MoqLive: live streaming over Media over QUIC.")
        {
            CertCommand.Create(timeProvider),
            H3Command.Create(timeProvider),
            ServeCommand.Create(timeProvider),
            PublishCommand.Create(timeProvider),
            SubscribeCommand.Create(timeProvider),
            BenchCommand.Create(timeProvider),
            TestbedCommand.Create(timeProvider),
        };
    }

    /// <summary>Parses and runs <paramref name="args"/>; output and error default to the console.</summary>
    public static Task<int> InvokeAsync(
        string[] args,
        TextWriter? output = null,
        TextWriter? error = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        // Ctrl+C / SIGTERM cancel the command's token; it then has this long to close sessions before the process ends.
        var configuration = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) };
        if (output is not null)
            configuration.Output = output;
        if (error is not null)
            configuration.Error = error;
        return CreateRootCommand(timeProvider).Parse(args).InvokeAsync(configuration, cancellationToken);
    }
}
