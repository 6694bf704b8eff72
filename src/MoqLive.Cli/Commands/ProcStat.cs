using System.Globalization;

namespace MoqLive.Cli.Commands;

/// <summary>What the benchmarks read about a child process from /proc (Linux).</summary>
internal static class ProcStat
{
    // USER_HZ: the unit of utime/stime in /proc/PID/stat, fixed at 100 on Linux for every architecture .NET runs on.
    private const double ClockTicksPerSecond = 100;

    /// <summary>utime + stime of /proc/PID/stat, in seconds (10 ms resolution).</summary>
    public static double CpuSeconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after "(comm)": state is field 3, utime 14, stime 15 (proc(5)).
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
    }

    /// <summary>
    /// Context switches (voluntary + involuntary) of every live thread of the process, from /proc/PID/task/*/status:
    /// what thread hand-offs and wake-ups cost, apart from the CPU they take.
    /// </summary>
    public static long ContextSwitches(int pid)
    {
        long total = 0;
        foreach (string task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                foreach (string line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                        total += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The thread exited while being read.
            }
        }

        return total;
    }
}
