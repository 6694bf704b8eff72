using System.Globalization;
using MoqLive.Testbed.Emulation;
using MoqLive.Testbed.Processes;
using MoqLive.Testbed.Profiles;

namespace MoqLive.Testbed.Network;

/// <summary>
/// The emulated network: a router namespace and one namespace per host (streamer, relay, viewers), each host joined
/// to the router by a veth pair, every packet between hosts passing through this process's link emulators via a TUN
/// device in the router. See src/MoqLive.Testbed/README.md for the picture. Needs root. Disposing stops the
/// emulators and deletes every namespace it created; a failed start cleans up what it had built.
/// </summary>
public sealed class TestbedNetwork : IAsyncDisposable
{
    /// <summary>Name of the TUN device in the router namespace.</summary>
    public const string TunName = "emu0";

    /// <summary>Routing table (in the router namespace) that sends everything arriving from a veth into the TUN.</summary>
    private const string EmulationTable = "100";

    private static int s_instances;

    private readonly List<string> _namespaces = [];
    private readonly TextWriter _log;
    private TunDevice? _tun;
    private TunRouter? _router;

    private TestbedNetwork(string name, TextWriter log)
    {
        Name = name;
        _log = log;
    }

    /// <summary>Prefix of every namespace of this testbed (<c>mlt{PID}-{n}</c>).</summary>
    public string Name { get; }

    /// <summary>The namespace that forwards between the hosts and holds the TUN device.</summary>
    public string RouterNamespace => $"{Name}-router";

    public TestbedHost Streamer => Links[0].Host;

    public TestbedHost Relay => Links[1].Host;

    public IReadOnlyList<TestbedHost> Viewers => Links.Skip(2).Select(l => l.Host).ToList();

    /// <summary>Every host's link (streamer, relay, viewers in order); read the emulators' statistics after disposal.</summary>
    public IReadOnlyList<EmulatedLink> Links { get; private set; } = [];

    /// <summary>The link emulators' clock (time since forwarding started; a trace's time 0).</summary>
    public TimeSpan Elapsed => _router?.Elapsed ?? TimeSpan.Zero;

    /// <summary>Whether the router thread got real-time priority (its delays are then accurate on a loaded machine).</summary>
    public bool RealTime => _router?.RealTime ?? false;

    /// <summary>The router thread's failure, if it stopped forwarding.</summary>
    public Exception? Failure => _router?.Failure;

    /// <summary>Builds the network and starts forwarding. Progress lines go to <paramref name="log"/>.</summary>
    public static async Task<TestbedNetwork> StartAsync(
        TestbedOptions options, TimeProvider time, TextWriter? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            throw new InvalidOperationException("The testbed needs root on Linux (network namespaces, veth, TUN). Run it as root.");
        }

        int instance = Interlocked.Increment(ref s_instances);
        var network = new TestbedNetwork(
            string.Create(CultureInfo.InvariantCulture, $"{NetworkNamespaces.Prefix}{Environment.ProcessId}-{instance}"), log ?? TextWriter.Null);
        try
        {
            await network.BuildAsync(options, time, cancellationToken).ConfigureAwait(false);
            return network;
        }
        catch
        {
            await network.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The arguments of <c>ip</c> that run <paramref name="command"/> on <paramref name="host"/>.</summary>
    public static string[] Exec(TestbedHost host, string command, params IEnumerable<string> arguments) =>
        NetworkNamespaces.ExecArguments(host.Namespace, command, arguments);

    /// <summary>Runs a tool on a host to completion (ping, iperf3, ...).</summary>
    public static Task<ProcessResult> RunOnAsync(
        TestbedHost host, string command, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        ProcessRunner.RunAsync("ip", Exec(host, command, arguments), timeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _router?.Dispose();
        _router = null;
        _tun?.Dispose();
        _tun = null;
        for (int i = _namespaces.Count - 1; i >= 0; i--)
        {
            try
            {
                await NetworkNamespaces.DeleteAsync(_namespaces[i]).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                // Keep deleting the others; `moqlive testbed down` removes what is left.
                await _log.WriteLineAsync($"testbed: {e.Message}").ConfigureAwait(false);
            }
        }

        _namespaces.Clear();
    }

    private async Task BuildAsync(TestbedOptions options, TimeProvider time, CancellationToken ct)
    {
        var hosts = new List<TestbedHost>
        {
            new(TestbedRole.Streamer, "streamer", $"{Name}-streamer", 1, "to-streamer", options.StreamerProfile),
            new(TestbedRole.Relay, "relay", $"{Name}-relay", 2, "to-relay", LinkProfiles.Lan),
        };
        for (int v = 1; v <= options.Viewers; v++)
        {
            hosts.Add(new(TestbedRole.Viewer, $"viewer{v}", $"{Name}-v{v}", 10 + v, $"to-v{v}", options.ViewerProfile));
        }

        await _log.WriteLineAsync($"testbed {Name}: router + {hosts.Count} hosts").ConfigureAwait(false);
        await AddNamespaceAsync(RouterNamespace, ct).ConfigureAwait(false);
        await NetworkNamespaces.SysctlAsync(RouterNamespace, ct,
            "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
            "net.ipv4.conf.all.send_redirects=0", "net.ipv4.conf.default.send_redirects=0").ConfigureAwait(false);
        await NetworkNamespaces.IpInAsync(RouterNamespace, ct, "link", "set", "lo", "up").ConfigureAwait(false);

        var links = new List<EmulatedLink>();
        int seed = options.Seed;
        foreach (var host in hosts)
        {
            await AddHostAsync(host, ct).ConfigureAwait(false);
            var emulatorOptions = host.Profile.ToEmulatorOptions(options.TraceDirectory);
            links.Add(new EmulatedLink(
                host,
                new LinkEmulator(emulatorOptions, new Random(DirectionSeed(seed, host.Subnet, 0))),
                new LinkEmulator(emulatorOptions, new Random(DirectionSeed(seed, host.Subnet, 1)))));
        }

        Links = links;

        // Everything that arrives on a veth goes into the TUN (policy routing by input interface); what the
        // emulator writes back into the TUN is forwarded by the main table to the destination's veth.
        _tun = TunDevice.Create(RouterNamespace, TunName);
        // A long transmit queue on the TUN: when the router thread is descheduled for a moment, packets wait in the
        // kernel instead of being dropped there (which would add loss the profile does not have).
        await NetworkNamespaces.IpInAsync(RouterNamespace, ct, "link", "set", TunName, "txqueuelen", "10000", "up").ConfigureAwait(false);
        await NetworkNamespaces.SysctlAsync(RouterNamespace, ct, $"net.ipv4.conf.{TunName}.rp_filter=0").ConfigureAwait(false);
        await NetworkNamespaces.IpInAsync(RouterNamespace, ct, "route", "add", "default", "dev", TunName, "table", EmulationTable).ConfigureAwait(false);
        foreach (var host in hosts)
        {
            await NetworkNamespaces.IpInAsync(RouterNamespace, ct,
                "rule", "add", "iif", host.RouterInterface, "lookup", EmulationTable, "pref", "100").ConfigureAwait(false);
        }

        _router = new TunRouter(_tun, links, time);
        _router.Start();
        foreach (var host in hosts)
        {
            await _log.WriteLineAsync(
                $"  {host.Label,-9} {host.Address,-12} netns {host.Namespace,-22} link {host.Profile.Name} ({host.Profile.Description})").ConfigureAwait(false);
        }
    }

    /// <summary>A seed per link direction that is the same in every process (HashCode.Combine is randomized per process).</summary>
    private static int DirectionSeed(int seed, int subnet, int direction) => unchecked((seed * 1_000_003) + (subnet * 2) + direction);

    private async Task AddHostAsync(TestbedHost host, CancellationToken ct)
    {
        await AddNamespaceAsync(host.Namespace, ct).ConfigureAwait(false);
        string prefix = string.Create(CultureInfo.InvariantCulture, $"10.77.{host.Subnet}");
        await NetworkNamespaces.IpInAsync(RouterNamespace, ct,
            "link", "add", host.RouterInterface, "type", "veth", "peer", "name", "eth0", "netns", host.Namespace).ConfigureAwait(false);
        await NetworkNamespaces.IpInAsync(RouterNamespace, ct, "addr", "add", $"{prefix}.1/24", "dev", host.RouterInterface).ConfigureAwait(false);
        await NetworkNamespaces.IpInAsync(RouterNamespace, ct, "link", "set", host.RouterInterface, "up").ConfigureAwait(false);
        await NetworkNamespaces.IpInAsync(host.Namespace, ct, "link", "set", "lo", "up").ConfigureAwait(false);

        // Room for socket buffers (iperf3 -w, browsers): on a loaded machine a receiver falls behind for tens of
        // milliseconds, and datagrams it then drops would look like link loss. net.core.* is per namespace.
        await NetworkNamespaces.SysctlAsync(host.Namespace, ct, "net.core.rmem_max=16777216", "net.core.wmem_max=16777216").ConfigureAwait(false);
        await NetworkNamespaces.IpInAsync(host.Namespace, ct, "addr", "add", $"{prefix}.2/24", "dev", "eth0").ConfigureAwait(false);
        await NetworkNamespaces.IpInAsync(host.Namespace, ct, "link", "set", "eth0", "up").ConfigureAwait(false);
        await NetworkNamespaces.IpInAsync(host.Namespace, ct, "route", "add", "default", "via", $"{prefix}.1").ConfigureAwait(false);
    }

    private async Task AddNamespaceAsync(string name, CancellationToken ct)
    {
        await NetworkNamespaces.IpAsync(ct, "netns", "add", name).ConfigureAwait(false);
        _namespaces.Add(name);
    }
}
