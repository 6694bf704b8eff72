using System.CommandLine;
using System.Globalization;
using MoqLive.Testbed.Emulation;
using MoqLive.Testbed.Network;
using MoqLive.Testbed.Profiles;

namespace MoqLive.Cli.Commands;

/// <summary>
/// <c>moqlive testbed up|down|check|run|matrix</c>: the emulated network (network namespaces, veth pairs, userspace
/// link emulation through a TUN device) and the measurements on it. Needs root.
/// </summary>
internal static class TestbedCommand
{
    public static Command Create(TimeProvider timeProvider) =>
        new("testbed", "Emulated network of namespaces (streamer, relay, viewers) with per-link impairments; needs root.")
        {
            CreateUpCommand(timeProvider),
            CreateDownCommand(),
            TestbedCheckCommand.Create(timeProvider),
            TestbedRunCommand.CreateRun(timeProvider),
            TestbedRunCommand.CreateMatrix(timeProvider),
        };

    /// <summary><c>--profile</c>: a profile name, validated against <see cref="LinkProfiles.All"/>.</summary>
    internal static Option<string> CreateProfileOption(string name, string description, string defaultValue)
    {
        var option = new Option<string>(name)
        {
            Description = $"{description} One of: {string.Join(", ", LinkProfiles.All.Select(p => p.Name))}.",
            DefaultValueFactory = _ => defaultValue,
            HelpName = "PROFILE",
        };
        option.Validators.Add(r =>
        {
            string value = r.GetValueOrDefault<string>();
            if (!LinkProfiles.All.Any(p => string.Equals(p.Name, value, StringComparison.OrdinalIgnoreCase)))
                r.AddError($"Unknown profile '{value}' for {name}. Known: {string.Join(", ", LinkProfiles.All.Select(p => p.Name))}.");
        });
        return option;
    }

    internal static Option<int> CreateViewersOption(int defaultValue) =>
        CreateIntOption("--viewers", "Number of viewer hosts.", defaultValue, 1, TestbedOptions.MaxViewers);

    internal static Option<int> CreateIntOption(string name, string description, int defaultValue, int min, int max)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = "N" };
        option.Validators.Add(r =>
        {
            int value = r.GetValueOrDefault<int>();
            if (value < min || value > max)
                r.AddError($"{name} must be between {min} and {max}.");
        });
        return option;
    }

    internal static Option<string?> CreateTraceDirectoryOption() =>
        new("--trace-dir") { Description = "Folder of the mahimahi trace files (default: testdata/traces of the repository).", HelpName = "DIR" };

    /// <summary>The trace folder: the option, else testdata/traces above the current folder or the executable.</summary>
    internal static string ResolveTraceDirectory(string? option)
    {
        if (option is not null)
            return option;
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (string? directory = start; directory is not null; directory = Path.GetDirectoryName(directory))
            {
                string candidate = Path.Combine(directory, LinkProfiles.TraceDirectory);
                if (Directory.Exists(candidate))
                    return candidate;
            }
        }

        return LinkProfiles.TraceDirectory;
    }

    private static Command CreateUpCommand(TimeProvider timeProvider)
    {
        var profile = CreateProfileOption("--profile", "Impairment of each viewer's link.", "lan");
        var streamerProfile = CreateProfileOption("--streamer-profile", "Impairment of the streamer's link.", "lan");
        var viewers = CreateViewersOption(1);
        var seed = CreateIntOption("--seed", "Seed of random loss and jitter.", 1, int.MinValue, int.MaxValue);
        var traceDir = CreateTraceDirectoryOption();
        var command = new Command("up", "Build the network and forward through the link emulators until Ctrl+C, then tear it down.")
        {
            profile, streamerProfile, viewers, seed, traceDir,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var options = new TestbedOptions
            {
                ViewerProfile = LinkProfiles.Get(parseResult.GetRequiredValue(profile)),
                StreamerProfile = LinkProfiles.Get(parseResult.GetRequiredValue(streamerProfile)),
                Viewers = parseResult.GetValue(viewers),
                Seed = parseResult.GetValue(seed),
                TraceDirectory = ResolveTraceDirectory(parseResult.GetValue(traceDir)),
            };
            TestbedNetwork network;
            try
            {
                network = await TestbedNetwork.StartAsync(options, timeProvider, output, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or TimeoutException)
            {
                await error.WriteLineAsync($"testbed up: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Failure;
            }

            await using (network.ConfigureAwait(false))
            {
                await output.WriteLineAsync(
                    $"Ready. Run programs on a host with `ip netns exec {network.Viewers[0].Namespace} COMMAND` (relay at {network.Relay.Address}). Ctrl+C tears it all down.").ConfigureAwait(false);
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, timeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C: tear down below.
                }

                await output.WriteLineAsync("Tearing down. Link statistics (delivered / dropped by loss, full queue):").ConfigureAwait(false);
                foreach (var link in network.Links)
                {
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"  {link.Host.Label,-9} up {Describe(link.Up.Statistics)}; down {Describe(link.Down.Statistics)}")).ConfigureAwait(false);
                }

                if (network.Failure is { } failure)
                {
                    await error.WriteLineAsync($"testbed up: the router stopped: {failure.Message}").ConfigureAwait(false);
                    return ExitCodes.Failure;
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string Describe(LinkStatistics s) => string.Create(CultureInfo.InvariantCulture,
        $"{s.PacketsDelivered} pkts {s.BytesDelivered / 1e6:0.0} MB / {s.PacketsDroppedLoss} loss, {s.PacketsDroppedQueueFull} queue");

    private static Command CreateDownCommand()
    {
        var name = new Option<string?>("--name")
        {
            Description = "Delete the namespaces whose name starts with this testbed name (mlt{PID}-{n}), even if their process still runs. Default: every testbed namespace whose process is gone.",
            HelpName = "NAME",
        };
        var command = new Command("down", "Delete testbed namespaces left behind by a process that was killed before it could tear down.") { name };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var leftovers = NetworkNamespaces.FindLeftovers(parseResult.GetValue(name) is { } n ? n + "-" : null);
            foreach (string ns in leftovers)
            {
                await NetworkNamespaces.DeleteAsync(ns, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"deleted netns {ns}").ConfigureAwait(false);
            }

            if (leftovers.Count == 0)
                await output.WriteLineAsync("No testbed namespaces to delete.").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
