using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using MoqLive.Testbed.Network;
using MoqLive.Testing;

namespace MoqLive.E2E.Tests.Testbed;

/// <summary>
/// <c>moqlive testbed run</c> interrupted mid-measurement (Ctrl+C or a service manager's SIGTERM) stops every child
/// it started (Playwright and Chromium, ffmpeg, nginx, the relay, the publisher, the <c>ip netns exec</c> wrappers)
/// and deletes its namespaces before it exits.
/// </summary>
[Collection(nameof(TestbedCollection))]
public sealed class TestbedInterruptTests
{
    [Theory]
    [InlineData(PosixSignal.SIGINT)]
    [InlineData(PosixSignal.SIGTERM)]
    public async Task Run_Interrupted_StopsEveryChildAndDeletesItsNamespaces(PosixSignal signal)
    {
        TestbedRequirements.Require("ip", "ffmpeg", "nginx", "chromium");
        string hlsJs = Path.Combine(Path.GetDirectoryName(TestbedRequirements.TraceDirectory)!, "..", "web", "node_modules", "hls.js", "dist");
        string outDirectory = Directory.CreateTempSubdirectory("moqlive-interrupt-").FullName;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])[Path.Combine(AppContext.BaseDirectory, "moqlive.dll"), "testbed", "run", "--profile", "lan",
                     "--duration", "120", "--systems", "moqlive,hls", "--out", outDirectory, "--trace-dir", TestbedRequirements.TraceDirectory, "--hlsjs-dir", hlsJs])
            info.ArgumentList.Add(argument);
        using var cli = Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        cli.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        cli.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        cli.BeginOutputReadLine();
        cli.BeginErrorReadLine();
        string Output() { lock (output) return output.ToString(); }
        try
        {
            // Everything is up once the viewer plays: network, nginx, relay, ffmpeg, publisher and Chromium.
            await Poll.UntilAsync(() => Output().Contains("playing for", StringComparison.Ordinal) || cli.HasExited, TimeSpan.FromMinutes(4));
            Assert.False(cli.HasExited, $"testbed run exited early:\n{Output()}");
            var children = Descendants(cli.Id);
            string prefix = $"{NetworkNamespaces.Prefix}{cli.Id}-";
            Assert.Contains(children, c => c.Command.Contains("chromium", StringComparison.Ordinal));
            Assert.Contains(children, c => c.Command.Contains("ffmpeg", StringComparison.Ordinal));
            Assert.Contains(children, c => c.Command.Contains("nginx", StringComparison.Ordinal));
            Assert.NotEmpty(Namespaces(prefix));

            using (var kill = Process.Start("kill", ["-s", signal == PosixSignal.SIGINT ? "INT" : "TERM", cli.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
                Assert.Equal(0, kill.ExitCode);
            }

            await cli.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

            var survivors = children.Where(c => c.IsAlive()).ToList();
            Assert.True(survivors.Count == 0, $"still running after {signal}: {string.Join("; ", survivors.Select(s => $"{s.Pid} {s.Command}"))}\n{Output()}");
            Assert.Empty(Namespaces(prefix));
        }
        finally
        {
            if (!cli.HasExited) cli.Kill(entireProcessTree: true);
            Directory.Delete(outDirectory, recursive: true);
        }
    }

    /// <summary>A process by PID and start time (a PID can be reused once it exits).</summary>
    private sealed record ChildProcess(int Pid, string StartTime, string Command)
    {
        public bool IsAlive() => StartTimeOf(Pid) == StartTime;
    }

    private static List<ChildProcess> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out int pid)) continue;
            string[]? fields = StatFields(pid);
            if (fields is not null) parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
        }

        var result = new List<ChildProcess>();
        var pending = new Queue<int>([root]);
        while (pending.TryDequeue(out int parent))
        {
            foreach (var (pid, _) in parents.Where(p => p.Value == parent))
            {
                if (StartTimeOf(pid) is not { } start) continue;
                string command = ReadOrEmpty($"/proc/{pid}/cmdline").Replace('\0', ' ');
                result.Add(new ChildProcess(pid, start, command));
                pending.Enqueue(pid);
            }
        }

        return result;
    }

    // proc(5) /proc/PID/stat after "(comm) ": state, ppid, ... starttime is field 22 (index 19 here).
    private static string[]? StatFields(int pid)
    {
        string stat = ReadOrEmpty($"/proc/{pid}/stat");
        int end = stat.LastIndexOf(')');
        return end < 0 ? null : stat[(end + 2)..].Split(' ');
    }

    private static string? StartTimeOf(int pid) => StatFields(pid) is { Length: > 19 } fields && fields[0] != "Z" ? fields[19] : null;

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static List<string> Namespaces(string prefix) =>
        Directory.Exists("/run/netns") ? Directory.EnumerateFiles("/run/netns").Select(Path.GetFileName).OfType<string>().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToList() : [];
}
