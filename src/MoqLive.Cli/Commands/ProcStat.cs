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
}
