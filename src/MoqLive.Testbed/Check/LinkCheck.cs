using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MoqLive.Testbed.Emulation;
using MoqLive.Testbed.Network;
using MoqLive.Testbed.Processes;
using MoqLive.Testbed.Profiles;
using MoqLive.Testbed.Traces;

namespace MoqLive.Testbed.Check;

/// <summary>
/// <c>testbed check</c>: measures a viewer's link to the relay with ping and iperf3, as the original prototype's
/// network tests did, and compares RTT, loss and throughput with the profile.
/// </summary>
/// <remarks>
/// <para>RTT: the median of ping samples every 50 ms (the median, not the mean, so a descheduled moment on a loaded
/// machine does not move it; with symmetric jitter the two agree). 50 ms apart, jittered packets never queue behind
/// each other, so the no-reordering rule does not inflate the RTT.</para>
/// <para>Loss: ping sees the loss of both directions, and a few hundred samples cannot resolve 0.5 % to within
/// 10 %. So loss is measured one way (relay → viewer) with a UDP iperf3 run of small datagrams at half the link rate
/// (no queueing loss), long enough that the expected number of losses makes the estimate's standard error 3 % of the
/// rate (3.3 standard errors = 10 %, so a correct link fails the check about once in a thousand runs). For bursty loss with mean burst b the variance of the count grows by (2b − 1)
/// (losses come in geometric bursts), so the run is that much longer.</para>
/// <para>Throughput: UDP iperf3 relay → viewer offering 125 % of the rate, so the bottleneck is always busy; the
/// received payload rate is scaled by (payload + 28) / payload because the emulator charges whole IP packets.
/// A short TCP run is reported for information (TCP over a lossy link does not fill it).</para>
/// </remarks>
public static partial class LinkCheck
{
    /// <summary>Port of the iperf3 server in the relay namespace (private to it, so a fixed port cannot collide).</summary>
    public const int IperfPort = 5201;

    private const int PingCount = 200;
    private const double DefaultUnlimitedRate = 20_000_000;
    private const double TraceBitsPerOpportunity = LinkEmulatorDefaults.TraceOpportunityBytes * 8;
    private const int LossPayload = 64;
    private const int ThroughputPayload = 1400;
    private const int IpUdpOverhead = 28;
    private const double LossRelativeStandardError = 0.03;
    private const double MaxPacketsPerSecond = 8_000;
    private static readonly TimeSpan MinLossDuration = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxLossDuration = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ThroughputDuration = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan TcpDuration = TimeSpan.FromSeconds(5);

    /// <summary>Runs every measurement from the first viewer to the relay. Progress goes to <paramref name="log"/>.</summary>
    public static async Task<LinkCheckResult> RunAsync(
        TestbedNetwork network, LinkProfile profile, TimeProvider time, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(profile);
        var viewer = network.Viewers[0];
        var relay = network.Relay;
        var measurements = new List<CheckMeasurement>();

        await log.WriteLineAsync($"ping: {PingCount} samples every 50 ms, {viewer.Label} → relay").ConfigureAwait(false);
        measurements.Add(await MeasureRttAsync(network, viewer, relay, profile, cancellationToken).ConfigureAwait(false));

        await using var server = BackgroundProcess.Start(
            "iperf3 server", "ip",
            TestbedNetwork.Exec(relay, "iperf3", "-s", "--forceflush", "-B", relay.Address.ToString(), "-p", IperfPort.ToString(CultureInfo.InvariantCulture)),
            time);
        await server.WaitForOutputAsync("Server listening", TimeSpan.FromSeconds(20), cancellationToken).ConfigureAwait(false);

        // A trace's capacity varies: the loss run stays under its slowest second (no queueing loss), the throughput
        // run offers more than its fastest second (the bottleneck is always busy).
        var trace = network.Links.First(l => l.Host == viewer).Down.Options.Trace;
        double slowest = profile.RateBitsPerSecond ?? (trace is null ? DefaultUnlimitedRate : SecondRates(trace).Min());
        double fastest = profile.RateBitsPerSecond ?? (trace is null ? DefaultUnlimitedRate : SecondRates(trace).Max());
        measurements.Add(await MeasureLossAsync(viewer, relay, profile, slowest, log, cancellationToken).ConfigureAwait(false));
        measurements.Add(await MeasureThroughputAsync(network, viewer, relay, profile, fastest, time, log, cancellationToken).ConfigureAwait(false));

        await log.WriteLineAsync($"iperf3 TCP: {TcpDuration.TotalSeconds:0} s relay → {viewer.Label}").ConfigureAwait(false);
        var tcp = await IperfAsync(viewer, relay, ["-R", "-t", Seconds(TcpDuration)], TcpDuration, cancellationToken).ConfigureAwait(false);
        measurements.Add(new CheckMeasurement(
            "tcp goodput", "Mbit/s", null, tcp.GetProperty("end").GetProperty("sum_received").GetProperty("bits_per_second").GetDouble() / 1e6, 0,
            "iperf3 TCP relay → viewer (information: TCP over a lossy link does not fill it)"));
        return new LinkCheckResult(profile, measurements);
    }

    private static async Task<CheckMeasurement> MeasureRttAsync(
        TestbedNetwork network, TestbedHost viewer, TestbedHost relay, LinkProfile profile, CancellationToken ct)
    {
        TimeSpan start = network.Elapsed;
        var result = await TestbedNetwork.RunOnAsync(
            viewer, "ping", ["-n", "-c", PingCount.ToString(CultureInfo.InvariantCulture), "-i", "0.05", "-W", "2", relay.Address.ToString()],
            TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
        var samples = PingTime().Matches(result.StandardOutput)
            .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .Order()
            .ToList();
        if (samples.Count == 0)
        {
            throw new InvalidOperationException($"ping {relay.Address} from {viewer.Label} got no replies: {result.StandardOutput}{result.StandardError}");
        }

        double expected = profile.RoundTripTime.TotalMilliseconds;
        if (network.Links.First(l => l.Host == viewer).Down.Options.Trace is { } trace)
        {
            // On a trace link a packet also waits for the next delivery opportunity, in each direction: on average
            // the mean residual gap, Σ gap² / (2 · window), which at 0.5 Mbit/s (24 ms gaps) is 12 ms. Its
            // distribution is skewed across rate steps, so compare means here.
            double wait = MeanResidualWait(trace, start, network.Elapsed).TotalMilliseconds;
            expected += 2 * wait;
            return new CheckMeasurement(
                "rtt", "ms", expected, samples.Average(), CheckMeasurement.ToleranceFor(expected, 1.0),
                string.Create(CultureInfo.InvariantCulture,
                    $"mean of {samples.Count} ping replies ({PingCount} sent); expected adds 2 × {wait:0.0} ms waiting for trace opportunities"));
        }

        return new CheckMeasurement(
            "rtt", "ms", expected, samples[samples.Count / 2], CheckMeasurement.ToleranceFor(expected, 1.0),
            string.Create(CultureInfo.InvariantCulture, $"median of {samples.Count} ping replies ({PingCount} sent)"));
    }

    private static async Task<CheckMeasurement> MeasureLossAsync(
        TestbedHost viewer, TestbedHost relay, LinkProfile profile, double linkRate, TextWriter log, CancellationToken ct)
    {
        double bitsPerPacket = (LossPayload + IpUdpOverhead) * 8.0;
        double packetsPerSecond = Math.Min(MaxPacketsPerSecond, linkRate / 2 / bitsPerPacket);
        double burst = profile.MeanLossBurstLength ?? 1;
        double neededPackets = profile.LossRate > 0
            ? (2 * burst - 1) / (profile.LossRate * LossRelativeStandardError * LossRelativeStandardError)
            : 0;
        var duration = TimeSpan.FromSeconds(Math.Ceiling(Math.Clamp(
            neededPackets / packetsPerSecond, MinLossDuration.TotalSeconds, MaxLossDuration.TotalSeconds)));
        long bitrate = (long)(packetsPerSecond * LossPayload * 8);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"iperf3 UDP loss: {duration.TotalSeconds:0} s of {LossPayload}-byte datagrams at {packetsPerSecond:0}/s relay → {viewer.Label}")).ConfigureAwait(false);
        long socketDropsBefore = await UdpReceiveBufferErrorsAsync(viewer, ct).ConfigureAwait(false);
        var json = await IperfAsync(viewer, relay,
            ["-u", "-R", "-w", "8M", "-l", LossPayload.ToString(CultureInfo.InvariantCulture), "-b", bitrate.ToString(CultureInfo.InvariantCulture), "-t", Seconds(duration)],
            duration, ct).ConfigureAwait(false);
        var received = json.GetProperty("end").GetProperty("sum_received");
        long socketDrops = await UdpReceiveBufferErrorsAsync(viewer, ct).ConfigureAwait(false) - socketDropsBefore;
        long lost = received.GetProperty("lost_packets").GetInt64();
        long packets = received.GetProperty("packets").GetInt64();
        double expected = profile.LossRate * 100;

        // iperf3 counts sequence gaps at the application; datagrams the viewer's kernel delivered but then dropped
        // because iperf3's socket buffer was full (a descheduled receiver) crossed the link, so they are not link loss.
        long linkLost = Math.Max(0, lost - socketDrops);
        return new CheckMeasurement(
            "loss", "%", expected, packets == 0 ? 100 : 100.0 * linkLost / packets, CheckMeasurement.ToleranceFor(expected, 0.05),
            string.Create(CultureInfo.InvariantCulture,
                $"iperf3 UDP relay → viewer: {lost} of {packets} datagrams missing, {socketDrops} of them dropped by the receiver's full socket buffer"));
    }

    private static async Task<CheckMeasurement> MeasureThroughputAsync(
        TestbedNetwork network, TestbedHost viewer, TestbedHost relay, LinkProfile profile, double linkRate, TimeProvider time, TextWriter log,
        CancellationToken ct)
    {
        long offered = (long)(linkRate * 1.25 * ThroughputPayload / (ThroughputPayload + IpUdpOverhead));
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"iperf3 UDP throughput: {ThroughputDuration.TotalSeconds:0} s offering {offered / 1e6:0.0} Mbit/s relay → {viewer.Label}")).ConfigureAwait(false);
        TimeSpan start = network.Elapsed;
        var json = await IperfAsync(viewer, relay,
            ["-u", "-R", "-l", ThroughputPayload.ToString(CultureInfo.InvariantCulture), "-b", offered.ToString(CultureInfo.InvariantCulture),
                "-t", Seconds(ThroughputDuration)],
            ThroughputDuration, ct).ConfigureAwait(false);
        TimeSpan end = network.Elapsed;
        var received = json.GetProperty("end").GetProperty("sum_received");
        double measured = received.GetProperty("bits_per_second").GetDouble() * (ThroughputPayload + IpUdpOverhead) / ThroughputPayload / 1e6;
        double? expected = profile.RateBitsPerSecond / 1e6;
        string method = "iperf3 UDP relay → viewer at 125 % of the rate, IP bits per second";
        if (profile.TraceFile is not null)
        {
            // The capacity the trace offered while iperf3 was sending (its last second, the iperf3 exit, is trimmed).
            var trace = network.Links.First(l => l.Host == viewer).Down.Options.Trace!;
            TimeSpan windowEnd = end - TimeSpan.FromSeconds(0.5);
            TimeSpan windowStart = windowEnd - ThroughputDuration;
            windowStart = windowStart < start ? start : windowStart;
            expected = trace.OpportunitiesBetween(windowStart, windowEnd) * TraceBitsPerOpportunity / (windowEnd - windowStart).TotalSeconds / 1e6;
            method += ", against the trace's capacity over the run";
        }
        else if (expected is null)
        {
            method += " (information: the profile has no rate limit)";
        }

        return new CheckMeasurement("throughput", "Mbit/s", expected, measured, expected is { } e ? CheckMeasurement.ToleranceFor(e, 0) : 0, method);
    }

    /// <summary>Capacity of each whole second of one period of the trace, in bits per second.</summary>
    private static IEnumerable<double> SecondRates(MahimahiTrace trace)
    {
        for (int second = 0; second < Math.Max(1, (int)trace.Period.TotalSeconds); second++)
        {
            yield return trace.OpportunitiesBetween(TimeSpan.FromSeconds(second), TimeSpan.FromSeconds(second + 1)) * TraceBitsPerOpportunity;
        }
    }

    /// <summary>Mean time from a uniformly random instant in [from, to) to the next delivery opportunity.</summary>
    private static TimeSpan MeanResidualWait(MahimahiTrace trace, TimeSpan from, TimeSpan to)
    {
        double sumSquares = 0;
        TimeSpan previous = from;
        for (long index = trace.FirstOpportunityAtOrAfter(from); previous < to; index++)
        {
            TimeSpan next = trace.OpportunityTime(index);
            double gap = (next - previous).TotalSeconds;
            sumSquares += gap * gap;
            previous = next;
        }

        return TimeSpan.FromSeconds(sumSquares / 2 / (previous - from).TotalSeconds);
    }

    /// <summary>The RcvbufErrors counter of /proc/net/snmp inside the host's namespace.</summary>
    private static async Task<long> UdpReceiveBufferErrorsAsync(TestbedHost host, CancellationToken ct)
    {
        var result = await TestbedNetwork.RunOnAsync(host, "cat", ["/proc/net/snmp"], TimeSpan.FromSeconds(20), ct).ConfigureAwait(false);
        var lines = result.StandardOutput.Split('\n').Where(l => l.StartsWith("Udp: ", StringComparison.Ordinal)).ToList();
        if (lines.Count < 2)
        {
            throw new InvalidOperationException($"No Udp counters in /proc/net/snmp of {host.Label}: {result.StandardError}");
        }

        int column = Array.IndexOf(lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), "RcvbufErrors");
        return long.Parse(lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[column], CultureInfo.InvariantCulture);
    }

    private static async Task<JsonElement> IperfAsync(TestbedHost viewer, TestbedHost relay, IEnumerable<string> arguments, TimeSpan duration, CancellationToken ct)
    {
        var result = await TestbedNetwork.RunOnAsync(
            viewer, "iperf3",
            ["-c", relay.Address.ToString(), "-p", IperfPort.ToString(CultureInfo.InvariantCulture), "-J", .. arguments],
            duration + TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(result.StandardOutput);
            if (result.ExitCode == 0 && !document.RootElement.TryGetProperty("error", out _))
            {
                return document.RootElement.Clone();
            }
        }
        catch (JsonException)
        {
            // Reported below with the output.
        }

        throw new InvalidOperationException($"iperf3 failed ({result.ExitCode}): {result.StandardOutput}{result.StandardError}");
    }

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"time=([0-9.]+) ms", RegexOptions.CultureInvariant)]
    private static partial Regex PingTime();
}
