using System.Globalization;
using System.Text.RegularExpressions;
using MoqLive.Testbed.Processes;

namespace MoqLive.Testbed.Network;

/// <summary>
/// iproute2 and sysctl inside named network namespaces. Every namespace the testbed creates is named
/// <c>mlt{PID}-{instance}-{role}</c>, so parallel runs never collide and leftovers of a dead process can be found.
/// </summary>
public static partial class NetworkNamespaces
{
    /// <summary>Where iproute2 keeps named namespaces.</summary>
    public const string RunDirectory = "/run/netns";

    /// <summary>Prefix of every namespace the testbed creates.</summary>
    public const string Prefix = "mlt";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs <c>ip ARGS</c>; a failure throws with the command and its message.</summary>
    public static Task<ProcessResult> IpAsync(CancellationToken cancellationToken, params string[] arguments) =>
        ProcessRunner.RunCheckedAsync("ip", arguments, CommandTimeout, cancellationToken);

    /// <summary>Runs <c>ip -n NAMESPACE ARGS</c>.</summary>
    public static Task<ProcessResult> IpInAsync(string networkNamespace, CancellationToken cancellationToken, params string[] arguments) =>
        IpAsync(cancellationToken, ["-n", networkNamespace, .. arguments]);

    /// <summary>Sets kernel parameters (<c>net.ipv4.ip_forward=1</c>, ...) inside a namespace.</summary>
    public static Task<ProcessResult> SysctlAsync(string networkNamespace, CancellationToken cancellationToken, params string[] settings) =>
        IpAsync(cancellationToken, ["netns", "exec", networkNamespace, "sysctl", "-q", "-w", .. settings]);

    /// <summary>The argument list that runs <paramref name="command"/> inside <paramref name="networkNamespace"/>.</summary>
    public static string[] ExecArguments(string networkNamespace, string command, IEnumerable<string> arguments) =>
        ["netns", "exec", networkNamespace, command, .. arguments];

    /// <summary>Names of all namespaces this host has (from /run/netns).</summary>
    public static IReadOnlyList<string> List() =>
        Directory.Exists(RunDirectory)
            ? Directory.GetFiles(RunDirectory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>
    /// The testbed namespaces whose creating process is gone (crashed or killed before it could tear down), or all
    /// whose name starts with <paramref name="namePrefix"/> when given. Namespaces of live processes — other runs,
    /// other users — are never returned without an explicit prefix.
    /// </summary>
    public static IReadOnlyList<string> FindLeftovers(string? namePrefix = null) =>
        List().Where(name => namePrefix is not null
                ? name.StartsWith(namePrefix, StringComparison.Ordinal) && TestbedName().IsMatch(name)
                : TestbedName().Match(name) is { Success: true } m && !IsAlive(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>Deletes a namespace (its veth ends go with it); a namespace already gone is not an error.</summary>
    public static async Task DeleteAsync(string networkNamespace, CancellationToken cancellationToken = default)
    {
        var result = await ProcessRunner.RunAsync("ip", ["netns", "del", networkNamespace], CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0 && File.Exists(Path.Combine(RunDirectory, networkNamespace)))
        {
            throw new InvalidOperationException($"ip netns del {networkNamespace} failed: {result.StandardError.Trim()}");
        }
    }

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    [GeneratedRegex(@"^mlt(\d+)-\d+-[a-z0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex TestbedName();
}
