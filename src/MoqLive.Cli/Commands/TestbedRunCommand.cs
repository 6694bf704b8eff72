using System.CommandLine;
using System.Globalization;
using MoqLive.Testbed.Profiles;
using MoqLive.Testbed.Runs;

namespace MoqLive.Cli.Commands;

/// <summary>
/// <c>moqlive testbed run</c> (one profile) and <c>moqlive testbed matrix</c> (every profile): the systems side by side
/// on the emulated network, measured in headless Chromium, written as JSON, CSV and an HTML report.
/// </summary>
internal static class TestbedRunCommand
{
    public static Command CreateRun(TimeProvider timeProvider)
    {
        var profile = TestbedCommand.CreateProfileOption("--profile", "Profile of the viewers' links.", "4g");
        var common = new CommonOptions();
        var command = new Command("run", "Stream the shared source through each system to headless Chromium viewers on PROFILE and report glass-to-glass latency.")
        {
            profile,
        };
        common.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            [LinkProfiles.Get(parseResult.GetRequiredValue(profile))], common, parseResult, timeProvider,
            $"moqlive testbed run --profile {parseResult.GetRequiredValue(profile)} {common.Describe(parseResult)}", cancellationToken));
        return command;
    }

    public static Command CreateMatrix(TimeProvider timeProvider)
    {
        var common = new CommonOptions(defaultOut: Path.Combine("reports", "matrix"));
        var command = new Command("matrix", "`testbed run` for every profile, all into one report (default under reports/matrix).");
        common.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            LinkProfiles.All, common, parseResult, timeProvider, $"moqlive testbed matrix {common.Describe(parseResult)}", cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        IReadOnlyList<LinkProfile> profiles, CommonOptions common, ParseResult parseResult, TimeProvider time, string commandLine, CancellationToken cancellationToken)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        string outDirectory = parseResult.GetValue(common.Out) ?? Path.Combine("reports", $"run-{time.GetUtcNow():yyyyMMdd-HHmmss}");
        var results = new List<SystemResult>();
        foreach (var profile in profiles)
        {
            await output.WriteLineAsync($"== {profile.Name}: {profile.Description}").ConfigureAwait(false);
            try
            {
                var options = new RunOptions
                {
                    Profile = profile,
                    Duration = TimeSpan.FromSeconds(parseResult.GetValue(common.Duration)),
                    Systems = parseResult.GetRequiredValue(common.Systems).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    Viewers = parseResult.GetValue(common.Viewers),
                    TraceDirectory = TestbedCommand.ResolveTraceDirectory(parseResult.GetValue(common.TraceDir)),
                    HlsJsDirectory = parseResult.GetValue(common.HlsJs) ?? FindHlsJs(),
                };
                var profileResults = await TestbedRun.RunAsync(options, time, output, cancellationToken).ConfigureAwait(false);
                results.AddRange(profileResults);
                foreach (var r in profileResults)
                {
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"  {r.System,-11} p50 {r.P50,6:0} ms  p95 {r.P95,6:0} ms  startup {r.TimeToFirstFrameMs,6:0} ms  stalls {r.Stalls} ({r.StallRatio:P1})  dropped {r.DroppedFrames}  {r.ReceivedKbps:0} kbit/s  {r.FramesPresented} frames{(r.LocLatencyP50Ms is null ? "" : "  (player's own LOC p50 ")}{r.LocLatencyP50Ms:0}{(r.LocLatencyP50Ms is null ? "" : " ms)")}")).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or TimeoutException or ArgumentException or Microsoft.Playwright.PlaywrightException)
            {
                await error.WriteLineAsync($"testbed {profile.Name}: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        }

        await RunReport.WriteAsync(outDirectory, results, commandLine, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"Report: {Path.Combine(outDirectory, "report.html")} (and results.json, summary.csv, per-second.csv)").ConfigureAwait(false);
        return results.All(r => r.FramesPresented > 0) ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>web/node_modules/hls.js/dist above the current folder or the executable.</summary>
    private static string FindHlsJs()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (string? directory = start; directory is not null; directory = Path.GetDirectoryName(directory))
            {
                string candidate = Path.Combine(directory, "web", "node_modules", "hls.js", "dist");
                if (Directory.Exists(candidate))
                    return candidate;
            }
        }

        return Path.Combine("web", "node_modules", "hls.js", "dist");
    }

    private sealed class CommonOptions(string? defaultOut = null)
    {
        public Option<int> Duration { get; } = TestbedCommand.CreateIntOption("--duration", "Seconds of playback measured per profile.", 30, 5, 3600);

        public Option<string> Systems { get; } = new("--systems")
        {
            Description = "Comma-separated systems to compare: moqlive, moqlive-web, hls.",
            DefaultValueFactory = _ => "moqlive,hls",
            HelpName = "LIST",
        };

        public Option<int> Viewers { get; } = TestbedCommand.CreateViewersOption(1);

        public Option<string?> Out { get; } = new("--out")
        {
            Description = "Folder for results.json, summary.csv, per-second.csv and report.html (default reports/run-TIME, or reports/matrix).",
            HelpName = "DIR",
            DefaultValueFactory = _ => defaultOut,
        };

        public Option<string?> TraceDir { get; } = TestbedCommand.CreateTraceDirectoryOption();

        public Option<string?> HlsJs { get; } = new("--hlsjs-dir") { Description = "Folder with hls.min.js (default web/node_modules/hls.js/dist).", HelpName = "DIR" };

        public void AddTo(Command command)
        {
            command.Options.Add(Duration);
            command.Options.Add(Systems);
            command.Options.Add(Viewers);
            command.Options.Add(Out);
            command.Options.Add(TraceDir);
            command.Options.Add(HlsJs);
        }

        public string Describe(ParseResult parseResult) => string.Create(CultureInfo.InvariantCulture,
            $"--duration {parseResult.GetValue(Duration)} --systems {parseResult.GetValue(Systems)} --viewers {parseResult.GetValue(Viewers)}");
    }
}
