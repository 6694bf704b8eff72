using System.CommandLine;
using System.Globalization;
using MoqLive.Testbed.Check;
using MoqLive.Testbed.Network;
using MoqLive.Testbed.Profiles;

namespace MoqLive.Cli.Commands;

/// <summary><c>moqlive testbed check --profile P</c>: ping and iperf3 across an emulated link, compared with the profile.</summary>
internal static class TestbedCheckCommand
{
    public static Command Create(TimeProvider timeProvider)
    {
        var profile = TestbedCommand.CreateProfileOption("--profile", "Profile to build and measure.", "4g");
        var seed = TestbedCommand.CreateIntOption("--seed", "Seed of random loss and jitter.", 1, int.MinValue, int.MaxValue);
        var traceDir = TestbedCommand.CreateTraceDirectoryOption();
        var command = new Command(
            "check",
            "Build a testbed with one viewer on PROFILE, measure RTT (ping), loss and throughput (iperf3 UDP) relay ↔ viewer, and compare with the profile. Exit code 1 if any is off by more than 10 %.")
        {
            profile, seed, traceDir,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var linkProfile = LinkProfiles.Get(parseResult.GetRequiredValue(profile));
            var options = new TestbedOptions
            {
                ViewerProfile = linkProfile,
                Seed = parseResult.GetValue(seed),
                TraceDirectory = TestbedCommand.ResolveTraceDirectory(parseResult.GetValue(traceDir)),
            };
            LinkCheckResult result;
            try
            {
                await using var network = await TestbedNetwork.StartAsync(options, timeProvider, output, cancellationToken).ConfigureAwait(false);
                if (!network.RealTime)
                    await output.WriteLineAsync("warning: the router thread did not get real-time priority; delays may run long on a loaded machine.").ConfigureAwait(false);
                result = await LinkCheck.RunAsync(network, linkProfile, timeProvider, output, cancellationToken).ConfigureAwait(false);
                if (network.Failure is { } failure)
                    throw new IOException($"the router stopped: {failure.Message}", failure);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or TimeoutException)
            {
                await error.WriteLineAsync($"testbed check: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            await output.WriteLineAsync($"profile {linkProfile.Name} ({linkProfile.Description}):").ConfigureAwait(false);
            foreach (var m in result.Measurements)
            {
                string verdict = m.Expected is { } e
                    ? string.Create(CultureInfo.InvariantCulture, $"expected {e:0.###} ± {m.Tolerance:0.###}  {(m.Passed ? "OK" : "OUT OF RANGE")}")
                    : "(information)";
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {m.Metric,-12} {m.Measured,9:0.###} {m.Unit,-7} {verdict}   [{m.Method}]")).ConfigureAwait(false);
            }

            await output.WriteLineAsync(result.Passed ? "check passed" : "check FAILED: a measurement is more than 10 % off the profile").ConfigureAwait(false);
            return result.Passed ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }
}
