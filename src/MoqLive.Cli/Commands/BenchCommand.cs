using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime;
using MoqLive.Quic;
using MoqLive.Quic.Core;
using MoqLive.Quic.Tls;

namespace MoqLive.Cli.Commands;

/// <summary><c>moqlive bench</c>: macro benchmarks on this machine.</summary>
internal static class BenchCommand
{
    public static Command Create(TimeProvider timeProvider) =>
        new("bench", "Macro benchmarks.")
        {
            CreateQuicCommand(timeProvider),
            CreateQuicServerCommand(timeProvider),
            CreateFanoutCommand(timeProvider),
        };

    private static Command CreateQuicServerCommand(TimeProvider timeProvider)
    {
        var command = new Command("quic-server", "Used by 'bench quic': a QUIC listener that accepts and closes connections until its standard input closes; answers each input line with its allocated bytes, completed thread-pool work items, gen0 collections, JIT-compiled methods and JIT time.")
        {
            Hidden = true,
        };
        command.SetAction((parseResult, cancellationToken) => QuicBench.ServeHandshakesAsync(
            timeProvider, parseResult.InvocationConfiguration.Output, cancellationToken));
        return command;
    }

    private static Command CreateFanoutCommand(TimeProvider timeProvider)
    {
        var subscribers = new Option<int>("--subscribers", "-n") { Description = "Subscriber sessions (each its own QUIC connection).", DefaultValueFactory = _ => 100, HelpName = "N" };
        subscribers.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
                r.AddError("--subscribers must be at least 1.");
        });
        var matrix = new Option<bool>("--matrix") { Description = "Run N = 10, 100, 500 and 1000 in turn (each with a fresh relay) instead of --subscribers." };
        var bitrate = new Option<string>("--bitrate") { Description = "Track bitrate in bit/s; k and M suffixes allowed (default 1M).", DefaultValueFactory = _ => "1M", HelpName = "B" };
        bitrate.Validators.Add(r =>
        {
            if (ParseBitrate(r.GetValueOrDefault<string>()) is null)
                r.AddError($"--bitrate '{r.GetValueOrDefault<string>()}' is not a positive bit rate such as 1M, 500k or 250000.");
        });
        var duration = new Option<int>("--duration") { Description = "Seconds measured (whole groups), after every subscriber is connected.", DefaultValueFactory = _ => 20, HelpName = "S" };
        var objects = new Option<int>("--objects-per-group") { Description = "Objects per group (one group per second).", DefaultValueFactory = _ => 30, HelpName = "N" };
        var late = new Option<int>("--late-ms") { Description = "An object arriving later than this after it was sent counts as late.", DefaultValueFactory = _ => 100, HelpName = "MS" };
        var warmup = new Option<int>("--warmup") { Description = "Seconds of whole groups streamed to every subscriber before the measured window (the JIT's tiering and the pools settle).", DefaultValueFactory = _ => 5, HelpName = "S" };
        warmup.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
                r.AddError("--warmup must not be negative.");
        });
        var clientEndpoints = new Option<int?>("--client-endpoints") { Description = $"UDP sockets the subscribers' connections share, each with its own receive thread (0: a socket per connection; default: one per {FanoutBench.SubscribersPerClientEndpoint} subscribers).", HelpName = "K" };
        clientEndpoints.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() < 0)
                r.AddError("--client-endpoints must not be negative.");
        });
        foreach (var option in new[] { duration, objects, late })
        {
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() < 1)
                    r.AddError($"{option.Name} must be at least 1.");
            });
        }
        var command = new Command("fanout", "MOQT relay fan-out over QUIC loopback: 'moqlive serve' in a child process, one publisher and N subscribers here; reports delivered bitrate, p50/p99 object latency, late and dropped objects, relay CPU and relay memory per subscriber.")
        {
            subscribers, matrix, bitrate, duration, objects, late, warmup, clientEndpoints,
        };
        command.SetAction((parseResult, cancellationToken) => FanoutBench.RunAsync(
            new FanoutBench.Settings(
                parseResult.GetValue(matrix) ? [10, 100, 500, 1000] : [parseResult.GetRequiredValue(subscribers)],
                ParseBitrate(parseResult.GetRequiredValue(bitrate))!.Value,
                parseResult.GetRequiredValue(duration),
                parseResult.GetRequiredValue(objects),
                GroupDuration: TimeSpan.FromSeconds(1),
                LateThreshold: TimeSpan.FromMilliseconds(parseResult.GetRequiredValue(late)),
                Baseline: TimeSpan.FromSeconds(3),
                Drain: TimeSpan.FromSeconds(2),
                Warmup: TimeSpan.FromSeconds(parseResult.GetRequiredValue(warmup)),
                ClientEndpoints: parseResult.GetValue(clientEndpoints)),
            timeProvider, parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    private static long? ParseBitrate(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return null;
        long scale = text[^1] switch { 'k' or 'K' => 1000, 'm' or 'M' => 1_000_000, _ => 1 };
        string digits = scale == 1 ? text : text[..^1];
        return double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 && value * scale < long.MaxValue
            ? (long)(value * scale)
            : null;
    }

    private static Command CreateQuicCommand(TimeProvider timeProvider)
    {
        var sizeOption = new Option<int>("--size-mb") { Description = "Bytes to transfer on one stream, in MiB.", DefaultValueFactory = _ => 1024 };
        sizeOption.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
                r.AddError("--size-mb must be at least 1.");
        });
        var handshakesOption = new Option<int>("--handshakes") { Description = "Sequential handshakes to time.", DefaultValueFactory = _ => 200 };
        var warmupOption = new Option<int>("--warmup-handshakes")
        {
            Description = "Untimed handshakes before the timed ones, so that the timed ones run JIT-optimized code; then rounds of 100 more until one leaves the server's JIT idle (at most 10 methods compiled).",
            // The server is a fresh child process: its tiered JIT needs several hundred handshakes to settle, more on a loaded machine.
            DefaultValueFactory = _ => 500,
        };
        warmupOption.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
                r.AddError("--warmup-handshakes must not be negative.");
        });
        var warmupBulkOption = new Option<int>("--warmup-mb")
        {
            Description = "Untimed bulk transfer, in MiB, on its own connection before the timed one, so that the timed one runs JIT-optimized code (0: none, the process starts cold).",
            DefaultValueFactory = _ => 0,
        };
        warmupBulkOption.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
                r.AddError("--warmup-mb must not be negative.");
        });
        var pmtudOption = new Option<int>("--pmtud-max")
        {
            Description = $"Bulk connection only: probe the path MTU up to this UDP payload size (RFC 9000 §14.3; the route caps it: loopback carries up to 65507 over IPv4). 0: off, {QuicDefaults.MaxUdpPayloadSize}-byte datagrams. Default: the library's, {QuicDefaults.MtuDiscoveryUpperBound}.",
            DefaultValueFactory = _ => QuicDefaults.MtuDiscoveryUpperBound,
        };
        pmtudOption.Validators.Add(r =>
        {
            int v = r.GetValueOrDefault<int>();
            if (v != 0 && (v < QuicDefaults.MaxUdpPayloadSize || v > 65527))
                r.AddError($"--pmtud-max must be 0 or between {QuicDefaults.MaxUdpPayloadSize} and 65527.");
        });
        var ngtcp2Option = new Option<bool>("--ngtcp2")
        {
            Description = "Also time the same transfer between ngtcp2's gtlsclient and gtlsserver and report our throughput as a ratio of theirs.",
            DefaultValueFactory = _ => true,
        };
        var command = new Command("quic", "QUIC over loopback: bulk throughput of one connection (Gbit/s, CPU seconds per GB), handshakes per second, and the same transfer between ngtcp2's gtlsclient and gtlsserver for comparison.")
        {
            sizeOption, handshakesOption, warmupOption, ngtcp2Option, warmupBulkOption, pmtudOption,
        };
        command.SetAction((parseResult, cancellationToken) => QuicBench.RunAsync(
            new QuicBench.Settings(parseResult.GetRequiredValue(sizeOption) * 1024L * 1024, parseResult.GetRequiredValue(handshakesOption),
                parseResult.GetRequiredValue(warmupOption), parseResult.GetValue(ngtcp2Option),
                parseResult.GetRequiredValue(warmupBulkOption) * 1024L * 1024, parseResult.GetRequiredValue(pmtudOption)),
            timeProvider, parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error, cancellationToken));
        return command;
    }
}

/// <summary>The measurements behind <c>moqlive bench quic</c>.</summary>
internal static class QuicBench
{
    private const string Alpn = "moqlive-bench";

    public sealed record Settings(long Bytes, int Handshakes, int WarmupHandshakes, bool Ngtcp2, long WarmupBytes, int PmtudMax);

    public static async Task<int> RunAsync(Settings settings, TimeProvider time, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        using var certificateWithKey = SelfSignedCertificate.Create(time.GetUtcNow());
        using var certificate = TlsServerCertificate.FromCertificate(certificateWithKey);
        var transport = settings.PmtudMax != QuicDefaults.MtuDiscoveryUpperBound ? QuicDefaults.ConnectionOptions with { MtuDiscoveryUpperBound = settings.PmtudMax } : null;
        await using var listener = await ListenOnLoopbackAsync(certificate, time, cancellationToken, transport).ConfigureAwait(false);
        var clientOptions = new QuicClientConnectionOptions
        {
            RemoteEndPoint = listener.LocalEndPoint,
            ServerName = "localhost",
            ApplicationProtocols = [Alpn],
            CertificateValidation = TlsCertificateValidation.PinnedSha256,
            PinnedCertificateSha256 = [certificate.LeafSha256],
            TimeProvider = time,
            ConnectionOptions = transport,
        };

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"QUIC over loopback, {Environment.ProcessorCount} cores, .NET {Environment.Version}")).ConfigureAwait(false);

        // 1. Bulk: one unidirectional stream, client → server.
        if (settings.WarmupBytes > 0)
            await BulkAsync(listener, clientOptions, settings.WarmupBytes, time, cancellationToken).ConfigureAwait(false);
        (double seconds, double cpu, long allocated) = await BulkAsync(listener, clientOptions, settings.Bytes, time, cancellationToken).ConfigureAwait(false);
        double gbps = settings.Bytes * 8 / seconds / 1e9;
        double cpuPerGb = cpu / (settings.Bytes / 1e9);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"bulk:       {settings.Bytes / 1048576} MiB in {seconds:0.00} s = {gbps:0.000} Gbit/s, {cpuPerGb:0.00} CPU s/GB, {allocated / (settings.Bytes / 1e9) / 1e6:0} MB allocated/GB (client + server in one process{(settings.WarmupBytes > 0 ? $", after {settings.WarmupBytes / 1048576} MiB untimed" : "")}{(settings.PmtudMax > 0 ? $", path MTU probed up to {settings.PmtudMax}" : ", path MTU discovery off")})")).ConfigureAwait(false);

        // 2. Handshakes per second, sequential, after warm-up ones (tiered JIT recompiles hot methods after ~30 calls).
        // The server runs in a child process so that its CPU per handshake is measured apart from the client's (which
        // pays for a UDP socket and receive loop per connection).
        await using (var server = await HandshakeServer.StartAsync(cancellationToken).ConfigureAwait(false))
        {
            var options = new QuicClientConnectionOptions
            {
                RemoteEndPoint = server.EndPoint,
                ServerName = "localhost",
                ApplicationProtocols = [Alpn],
                CertificateValidation = TlsCertificateValidation.PinnedSha256,
                PinnedCertificateSha256 = [server.CertificateSha256],
                TimeProvider = time,
            };
            await HandshakesAsync(options, settings.WarmupHandshakes, time, cancellationToken).ConfigureAwait(false);
            var before = await server.ReadCountersAsync(cancellationToken).ConfigureAwait(false);
            // Tiered compilation (with dynamic PGO: tier 0, then an instrumented tier, then tier 1) runs on one
            // background thread that a loaded machine starves, so a fixed count of warm-up handshakes may end with
            // the server's JIT still busy, and that JIT time would be counted as handshake CPU. Keep warming up in
            // rounds until one leaves the server's JIT (almost) idle, as it is in a server that has run for a while.
            int warmup = settings.WarmupHandshakes;
            for (int round = 0; round < MaxWarmupRounds; round++)
            {
                await HandshakesAsync(options, WarmupRound, time, cancellationToken).ConfigureAwait(false);
                warmup += WarmupRound;
                var next = await server.ReadCountersAsync(cancellationToken).ConfigureAwait(false);
                bool settled = next.JitMethods - before.JitMethods <= JitSettledMethods;
                before = next;
                if (settled) break;
            }

            (double hsSeconds, double clientCpu) = await HandshakesAsync(options, settings.Handshakes, time, cancellationToken).ConfigureAwait(false);
            var after = await server.ReadCountersAsync(cancellationToken).ConfigureAwait(false);
            int n = settings.Handshakes;
            double serverMs = (after.CpuSeconds - before.CpuSeconds) * 1000 / n;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"handshakes: {n} in {hsSeconds:0.00} s = {n / hsSeconds:0.0} /s (sequential, connect + close, after {warmup} untimed); server (child process) {serverMs:0.00} CPU ms each = {1000 / serverMs:0} handshakes per core-second; client {clientCpu * 1000 / n:0.00} CPU ms each")).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"            server per handshake: {(after.AllocatedBytes - before.AllocatedBytes) / 1024.0 / n:0.0} KB allocated, {(double)(after.WorkItems - before.WorkItems) / n:0.0} thread-pool work items, {(double)(after.ContextSwitches - before.ContextSwitches) / n:0.0} context switches; {after.Gen0Collections - before.Gen0Collections} gen0 GCs in all; JIT: {after.JitMethods - before.JitMethods} methods compiled in {(after.JitTime - before.JitTime).TotalMilliseconds:0} ms")).ConfigureAwait(false);
        }

        // 3. ngtcp2 ↔ ngtcp2, same bytes.
        if (settings.Ngtcp2)
        {
            double? theirs = await Ngtcp2Async(settings.Bytes, time, error, cancellationToken).ConfigureAwait(false);
            if (theirs is { } t)
            {
                double theirGbps = settings.Bytes * 8 / t / 1e9;
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"ngtcp2:     gtlsclient <- gtlsserver {settings.Bytes / 1048576} MiB (HTTP/3 GET) in {t:0.00} s = {theirGbps:0.000} Gbit/s; MoqLive/ngtcp2 = {gbps / theirGbps:0.00}")).ConfigureAwait(false);
            }
        }

        return ExitCodes.Success;
    }

    private static async Task<(double Seconds, double CpuSeconds, long Allocated)> BulkAsync(
        QuicListener listener, QuicClientConnectionOptions options, long bytes, TimeProvider time, CancellationToken cancellationToken)
    {
        var accept = listener.AcceptConnectionAsync(cancellationToken).AsTask();
        await using var client = await QuicConnection.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        await using var server = await accept.ConfigureAwait(false);
        TimeSpan cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        long allocatedStart = GC.GetTotalAllocatedBytes();
        long start = time.GetTimestamp();
        var receiver = Task.Run(async () =>
        {
            var stream = await server.AcceptInboundStreamAsync(QuicStreamType.Unidirectional, cancellationToken).ConfigureAwait(false);
            byte[] buffer = new byte[256 * 1024];
            long total = 0;
            int n;
            while ((n = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0) total += n;
            return total;
        }, cancellationToken);
        var send = await client.OpenOutboundStreamAsync(QuicStreamType.Unidirectional, cancellationToken).ConfigureAwait(false);
        byte[] chunk = new byte[64 * 1024];
        Random.Shared.NextBytes(chunk);
        for (long sent = 0; sent < bytes; sent += chunk.Length)
        {
            int n = (int)Math.Min(chunk.Length, bytes - sent);
            await send.WriteAsync(chunk.AsMemory(0, n), completeWrites: sent + n >= bytes, cancellationToken).ConfigureAwait(false);
        }

        long received = await receiver.ConfigureAwait(false);
        double seconds = time.GetElapsedTime(start).TotalSeconds;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds;
        if (received != bytes) throw new InvalidOperationException($"received {received} of {bytes} bytes");
        return (seconds, cpu, GC.GetTotalAllocatedBytes() - allocatedStart);
    }

    /// <summary>Sequential connect + close against a server elsewhere; the CPU is this process's, the client's.</summary>
    private static async Task<(double Seconds, double CpuSeconds)> HandshakesAsync(
        QuicClientConnectionOptions options, int count, TimeProvider time, CancellationToken cancellationToken)
    {
        TimeSpan cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        long start = time.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            var client = await QuicConnection.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
            await client.CloseAsync(0, cancellationToken: cancellationToken).ConfigureAwait(false);
            await client.DisposeAsync().ConfigureAwait(false);
        }

        return (time.GetElapsedTime(start).TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds);
    }

    /// <summary>The bench's server: a free loopback port, ALPN <see cref="Alpn"/>.</summary>
    private static ValueTask<QuicListener> ListenOnLoopbackAsync(
        TlsServerCertificate certificate, TimeProvider time, CancellationToken cancellationToken, ConnectionOptions? transport = null) =>
        QuicListener.ListenAsync(new QuicListenerOptions
        {
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            ApplicationProtocols = [Alpn],
            ServerCertificate = certificate,
            TimeProvider = time,
            ConnectionOptions = transport,
        }, cancellationToken);

    /// <summary>
    /// <c>moqlive bench quic-server</c>: listens on a free loopback port with a fresh self-signed certificate, prints
    /// "PORT SHA256HEX", then accepts and closes connections until its standard input closes.
    /// </summary>
    public static async Task<int> ServeHandshakesAsync(TimeProvider time, TextWriter output, CancellationToken cancellationToken)
    {
        using var certificateWithKey = SelfSignedCertificate.Create(time.GetUtcNow());
        using var certificate = TlsServerCertificate.FromCertificate(certificateWithKey);
        await using var listener = await ListenOnLoopbackAsync(certificate, time, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{listener.LocalEndPoint.Port} {Convert.ToHexStringLower(certificate.LeafSha256)}")).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _ = Task.Run(async () =>
        {
            // Each line asks for the process's counters (see HandshakeServer.ReadCountersAsync); end of input stops it.
            using var input = new StreamReader(Console.OpenStandardInput());
            while (await input.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is not null)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{GC.GetTotalAllocatedBytes(precise: true)} {ThreadPool.CompletedWorkItemCount} {GC.CollectionCount(0)} {JitInfo.GetCompiledMethodCount()} {JitInfo.GetCompilationTime().Ticks}")).ConfigureAwait(false);
                await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }

            await stop.CancelAsync().ConfigureAwait(false);
        }, CancellationToken.None);
        try
        {
            while (true)
            {
                var connection = await listener.AcceptConnectionAsync(stop.Token).ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return ExitCodes.Success;
        }
    }

    // The warm-up after --warmup-handshakes: rounds of WarmupRound handshakes until the server JIT-compiles at most
    // JitSettledMethods methods in one (a few methods reach tier 1 late, e.g. on rare paths), MaxWarmupRounds at most.
    private const int WarmupRound = 100;
    private const int JitSettledMethods = 10;
    private const int MaxWarmupRounds = 100;

    private sealed record ServerCounters(
        double CpuSeconds, long ContextSwitches, long AllocatedBytes, long WorkItems, long Gen0Collections, long JitMethods, TimeSpan JitTime);

    /// <summary><c>moqlive bench quic-server</c> in a child process; ended by closing its standard input (then by PID).</summary>
    private sealed class HandshakeServer : IAsyncDisposable
    {
        private readonly Process _process;

        private HandshakeServer(Process process, IPEndPoint endPoint, byte[] certificateSha256)
        {
            _process = process;
            EndPoint = endPoint;
            CertificateSha256 = certificateSha256;
        }

        public IPEndPoint EndPoint { get; }

        public byte[] CertificateSha256 { get; }

        public static async Task<HandshakeServer> StartAsync(CancellationToken cancellationToken)
        {
            var info = new ProcessStartInfo(Environment.ProcessPath!)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
            };
            // Under 'dotnet moqlive.dll' the process is the host; pass it the same entry assembly.
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
                info.ArgumentList.Add(System.Reflection.Assembly.GetEntryAssembly()!.Location);
            info.ArgumentList.Add("bench");
            info.ArgumentList.Add("quic-server");
            var process = Process.Start(info) ?? throw new InvalidOperationException("could not start 'moqlive bench quic-server'");
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(60));
                string line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false)
                    ?? throw new InvalidOperationException("'moqlive bench quic-server' exited without printing its port");
                string[] parts = line.Split(' ');
                return new HandshakeServer(process, new IPEndPoint(IPAddress.Loopback, int.Parse(parts[0], CultureInfo.InvariantCulture)), Convert.FromHexString(parts[1]));
            }
            catch
            {
                process.Kill();
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                process.Dispose();
                throw;
            }
        }

        /// <summary>
        /// The child's CPU time and context switches (from /proc) and its own counters: bytes allocated, thread-pool work
        /// items completed, gen0 collections, methods JIT-compiled and the time spent compiling (it prints them for each
        /// line it reads): JIT work left in the timed window means the warm-up was too short for tiered compilation.
        /// </summary>
        public async Task<ServerCounters> ReadCountersAsync(CancellationToken cancellationToken)
        {
            await _process.StandardInput.WriteLineAsync().ConfigureAwait(false);
            await _process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
            string line = await _process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("'moqlive bench quic-server' exited");
            long[] v = Array.ConvertAll(line.Split(' '), x => long.Parse(x, CultureInfo.InvariantCulture));
            return new ServerCounters(ProcStat.CpuSeconds(_process.Id), ProcStat.ContextSwitches(_process.Id), v[0], v[1], v[2], v[3], TimeSpan.FromTicks(v[4]));
        }

        public async ValueTask DisposeAsync()
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }

            _process.Dispose();
        }
    }

    /// <summary>Times gtlsclient downloading <paramref name="bytes"/> of generated content from gtlsserver; null when ngtcp2 is missing.</summary>
    private static async Task<double?> Ngtcp2Async(long bytes, TimeProvider time, TextWriter error, CancellationToken cancellationToken)
    {
        const string client = "/usr/bin/gtlsclient", server = "/usr/sbin/gtlsserver";
        if (!File.Exists(client) || !File.Exists(server))
        {
            await error.WriteLineAsync("ngtcp2: gtlsclient/gtlsserver not installed (Debian ngtcp2-client, ngtcp2-server; .ci/run installs them); skipped.").ConfigureAwait(false);
            return null;
        }

        string dir = Directory.CreateTempSubdirectory("moqlive-bench-").FullName;
        try
        {
            using var cert = SelfSignedCertificate.Create(time.GetUtcNow());
            string certPath = Path.Combine(dir, "cert.pem"), keyPath = Path.Combine(dir, "key.pem");
            SelfSignedCertificate.WritePemFiles(cert, certPath, keyPath);
            int port;
            using (var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp))
            {
                probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                port = ((IPEndPoint)probe.LocalEndPoint!).Port;
            }

            string p = port.ToString(CultureInfo.InvariantCulture);
            // gtlsserver generates a body of N bytes for the path /N (up to --max-dyn-length).
            using var serverProcess = StartQuiet(server, ["-q", "-d", dir, $"--max-dyn-length={bytes}", "127.0.0.1", p, keyPath, certPath]);
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(300), time, cancellationToken).ConfigureAwait(false);
                long start = time.GetTimestamp();
                using var clientProcess = StartQuiet(client, ["-q", "--exit-on-all-streams-close", "--no-http-dump", "--no-quic-dump", "127.0.0.1", p, $"https://127.0.0.1:{p}/{bytes}"]);
                await clientProcess.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                double seconds = time.GetElapsedTime(start).TotalSeconds;
                if (clientProcess.ExitCode != 0)
                {
                    await error.WriteLineAsync($"ngtcp2: gtlsclient exited with {clientProcess.ExitCode}; skipped.").ConfigureAwait(false);
                    return null;
                }

                return seconds;
            }
            finally
            {
                if (!serverProcess.HasExited) serverProcess.Kill();
                await serverProcess.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Process StartQuiet(string fileName, string[] arguments)
    {
        var info = new ProcessStartInfo(fileName) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in arguments) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        // Drain output so the child never blocks on a full pipe.
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
