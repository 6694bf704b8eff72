using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using MoqLive.Media.Publishing;
using MoqLive.Moqt.Model;
using MoqLive.Quic;

namespace MoqLive.Cli.Commands;

/// <summary>
/// <c>moqlive bench fanout</c>: one publisher and N subscribers in this process, a relay (<c>moqlive serve</c>) in a child
/// process, raw QUIC over loopback. The relay's CPU and memory are read from /proc/PID so they are measured apart from
/// the clients; each object carries its send time, so every subscriber measures object latency.
/// </summary>
internal static class FanoutBench
{
    /// <summary>Latency histogram resolution (100 µs) and range (10 s; later objects land in the last bucket).</summary>
    private const long BucketMicros = 100;
    private const int Buckets = 100_000;
    private const int ConnectConcurrency = 8;
    private const int ConnectAttempts = 5;
    private const int ConnectProgressEvery = 50;

    /// <summary>
    /// Subscribers per shared client socket unless <c>--client-endpoints</c> says otherwise. Not all on one: a socket's
    /// kernel receive buffer is capped by net.core.rmem_max (4 MB here), and on a loaded machine one receive thread
    /// descheduled for a few tens of milliseconds let 500 subscribers' traffic overflow it (36,000 datagrams dropped in a
    /// run; 2 sockets: 29,000; 8: 16,500; 16, i.e. ~31 subscribers each: none, at load average 20). Not many more either:
    /// each socket's receive thread is woken on its own (100 subscribers on 16 sockets: 150 µs per object per subscriber,
    /// on 1: 129 µs).
    /// </summary>
    public const int SubscribersPerClientEndpoint = 32;
    // Longer than QUIC's default 10 s: hundreds of handshakes queue up at the relay on a shared, loaded machine.
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(60);
    // A subscriber's session keeps each received group for its readers: the default window (16 groups) held 16 s of
    // every subscriber's objects in this process (400 MB at N = 100), so most payload buffers were fresh memory the
    // kernel had to fault in and the GC to promote. The bench reads each object as it arrives; one group of slack is
    // enough, and a reader more than a group behind loses objects, which count as dropped. Each received track has one
    // reader (the subscriber's), woken on the thread that parsed the object instead of by a thread-pool work item.
    private static readonly TrackProducerOptions SubscriberTracks = new() { MaxGroups = 2, WakeSingleReaderInline = true };
    // Generous: a relay that fell behind answers its web requests only after the work queued before them.
    private static readonly TimeSpan StatsTimeout = TimeSpan.FromMinutes(2);
    private const int StatsAttempts = 5;
    private static readonly TimeSpan StatsRetryDelay = TimeSpan.FromSeconds(5);
    private static readonly FullTrackName Track = FullTrackName.Create(TrackNamespace.Of("bench"), "fanout");

    public sealed record Settings(
        int[] Subscribers, long BitsPerSecond, int DurationSeconds, int ObjectsPerGroup, TimeSpan GroupDuration,
        TimeSpan LateThreshold, TimeSpan Baseline, TimeSpan Drain, TimeSpan Warmup, int? ClientEndpoints);

    public static async Task<int> RunAsync(Settings settings, TimeProvider time, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        int objectSize = (int)Math.Max(Payload.HeaderSize, settings.BitsPerSecond / 8 * settings.GroupDuration.Ticks / TimeSpan.TicksPerSecond / settings.ObjectsPerGroup);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"MOQT fan-out over QUIC loopback, {Environment.ProcessorCount} cores, .NET {Environment.Version}: 1 publisher → relay (child process) → N subscribers, "
            + $"{settings.BitsPerSecond / 1e6:0.###} Mbit/s, groups of {settings.GroupDuration.TotalSeconds:0.###} s × {settings.ObjectsPerGroup} objects of {objectSize} B, "
            + $"{settings.DurationSeconds} s measured after {settings.Warmup.TotalSeconds:0} s of warm-up, late > {settings.LateThreshold.TotalMilliseconds:0} ms, "
            + $"{DescribeClientSockets(settings.ClientEndpoints)}")).ConfigureAwait(false);
        await output.WriteLineAsync("| subscribers | delivered Mbit/s per sub (mean / min) | p50 ms | p99 ms | max ms | late | dropped | relay dropped groups | relay CPU % of a core | relay CPU s | relay CPU µs per object per sub | relay RSS baseline → loaded MB | relay RSS KB / sub | relay live heap baseline → loaded MB | relay live heap KB / sub | subscribers' CPU % of a core (bench process) | subscribers' CPU µs per object per sub | subscribers' context switches / s | subscribers' bytes allocated per object per sub | load avg before / after |").ConfigureAwait(false);
        await output.WriteLineAsync("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|").ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        foreach (int n in settings.Subscribers)
        {
            Result result;
            try
            {
                result = await RunOneAsync(settings, n, objectSize, time, error, cancellationToken).ConfigureAwait(false);
            }
            catch (BenchException e)
            {
                await error.WriteLineAsync($"error: {n} subscribers: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Anything else, including an OperationCanceledException of a timeout (which System.CommandLine's default
                // handler would turn into exit code 1 without a word), is reported with where it happened.
                await error.WriteLineAsync($"error: {n} subscribers: {e}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            await output.WriteLineAsync(result.Format()).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    private static async Task<Result> RunOneAsync(Settings settings, int subscriberCount, int objectSize, TimeProvider time, TextWriter error, CancellationToken cancellationToken)
    {
        string loadBefore = LoadAverage();
        await using var relay = await RelayProcess.StartAsync(error, time, cancellationToken).ConfigureAwait(false);
        var tls = new ClientCertificateOptions(Quic.Tls.TlsCertificateValidation.PinnedSha256, relay.CertificateSha256);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopPublishing = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);

        // Publisher: PUBLISH_NAMESPACE, then groups of ObjectsPerGroup objects paced over GroupDuration, from now on.
        using var producer = new TrackProducer(new TrackInfo(Track));
        var publisher = new TrackSetPublisher([producer]);
        // Received payloads come from a pool that holds what the subscribers' windows hold (ArrayPool.Shared keeps a few
        // dozen arrays per size, so with hundreds of subscriptions most payloads were new arrays for the GC to clear,
        // promote and collect: the largest cost of this process after the MOQT and QUIC read paths).
        ArrayPool<byte> payloads = ArrayPool<byte>.Create(
            maxArrayLength: (int)BitOperations.RoundUpToPowerOf2((uint)objectSize), maxArraysPerBucket: subscriberCount * (SubscriberTracks.MaxGroups + 1) * settings.ObjectsPerGroup);
        var publisherConnection = await ConnectAsync(relay.MoqtUrl, tls, publisher, payloads, null, time, cancellationToken).ConfigureAwait(false);
        // The subscribers' sockets: shared endpoints, each with one receive thread that routes datagrams to connections by
        // connection ID, instead of a socket per connection (each datagram woke the socket engine's event thread, which
        // queued a thread-pool work item for the receive: 29,000 context switches per second at N = 200). The receive
        // thread also resumes the MOQT sessions' stream readers itself (they never block), a thread-pool hop less per read,
        // and fires the connections' timers itself, so re-arming them does not wake the runtime's timer thread.
        int endpointCount = settings.ClientEndpoints ?? (subscriberCount + SubscribersPerClientEndpoint - 1) / SubscribersPerClientEndpoint;
        var endpoints = Enumerable.Range(0, endpointCount)
            .Select(_ => QuicClientEndpoint.Bind(new QuicClientEndpointOptions
            {
                LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
                CompleteReadsOnReceiveThread = true,
                RunTimersOnReceiveThread = true,
            }))
            .ToArray();
        QuicClientEndpoint? EndpointFor(int subscriber) => endpoints.Length == 0 ? null : endpoints[subscriber % endpoints.Length];
        var subscribers = new List<Subscriber>(subscriberCount);
        var connections = new MoqtClientConnection?[subscriberCount]; // connected, not yet handed to a Subscriber
        string phase = "publishing the namespace";
        try
        {
            var published = await publisherConnection.Session.PublishNamespaceAsync(Track.Namespace, publisher, cancellationToken).ConfigureAwait(false);
            if (!published.IsOk)
                throw new BenchException($"the relay refused PUBLISH_NAMESPACE: {published.ErrorCode} {published.Reason}");
            await using var publishing = published.Value!;
            var pacer = new Pacer(producer, settings, objectSize, time);
            Task publishLoop = pacer.RunAsync(stopPublishing.Token);

            // Baseline: the relay with its publisher session and no subscriber.
            phase = "reading the relay's baseline";
            await Task.Delay(settings.Baseline, time, cancellationToken).ConfigureAwait(false);
            long rssBaseline = relay.ReadRssBytes();
            long heapBaseline = await relay.ReadLiveHeapBytesAsync(cancellationToken).ConfigureAwait(false);

            // Subscribers in two phases. First every QUIC + TLS handshake and MOQT SETUP, a few at a time, while the relay
            // streams to nobody; then every SUBSCRIBE. Connecting while the relay already streams to hundreds of
            // subscribers starved the handshakes on a loaded machine (500 never finished connecting).
            var histogram = new long[Buckets];
            int connected = 0;
            phase = "connecting the subscribers";
            using (var gate = new SemaphoreSlim(ConnectConcurrency))
            {
                var connecting = Enumerable.Range(0, subscriberCount).Select(async i =>
                {
                    await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        connections[i] = await ConnectAsync(relay.MoqtUrl, tls, null, payloads, EndpointFor(i), time, cancellationToken).ConfigureAwait(false);
                        int count = Interlocked.Increment(ref connected);
                        if (count % ConnectProgressEvery == 0 && count < subscriberCount)
                            await error.WriteLineAsync($"{subscriberCount} subscribers: {count} connected").ConfigureAwait(false);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }).ToList();
                await Task.WhenAll(connecting).ConfigureAwait(false);
            }

            phase = "subscribing";
            var subscribing = Enumerable.Range(0, subscriberCount).Select(async i =>
            {
                MoqtClientConnection connection = connections[i]!;
                connections[i] = null; // StartAsync owns it now: the subscriber keeps it or it is disposed
                var subscriber = await Subscriber.StartAsync(connection, relay.MoqtUrl, tls, payloads, EndpointFor(i), histogram, settings.LateThreshold, time, stop.Token).ConfigureAwait(false);
                lock (subscribers)
                    subscribers.Add(subscriber);
            }).ToList();
            await Task.WhenAll(subscribing).ConfigureAwait(false);

            // Measured window: the next DurationSeconds worth of whole groups, counted from the group after the current one
            // and the warm-up's groups. Without a warm-up the window started while the JIT was still recompiling the hot
            // paths (its thread had 11 % of the relay's and 21 % of this process's CPU samples a few seconds into the
            // window), which inflated the CPU per object at N = 100 by half in a 10 s window.
            ulong warmupGroups = (ulong)Math.Round(settings.Warmup / settings.GroupDuration);
            ulong firstGroup = pacer.CurrentGroup + 1 + warmupGroups;
            ulong groups = (ulong)Math.Max(1, (long)Math.Round(settings.DurationSeconds / settings.GroupDuration.TotalSeconds));
            ulong endGroup = firstGroup + groups;
            foreach (var s in subscribers)
                s.Measure(firstGroup, endGroup);
            phase = "measuring";
            await error.WriteLineAsync($"{subscriberCount} subscribers: subscribed; {settings.Warmup.TotalSeconds:0} s of warm-up, then {settings.DurationSeconds} s measured").ConfigureAwait(false);
            await pacer.WaitForGroupAsync(firstGroup, cancellationToken).ConfigureAwait(false);
            await error.WriteLineAsync($"{subscriberCount} subscribers: measuring").ConfigureAwait(false);
            var cpuStart = relay.ReadCpuSeconds();
            TimeSpan benchCpuStart = Process.GetCurrentProcess().TotalProcessorTime;
            long switchesStart = ProcStat.ContextSwitches(Environment.ProcessId);
            long allocatedStart = GC.GetTotalAllocatedBytes();
            long windowStart = time.GetTimestamp();
            await pacer.WaitForGroupAsync(endGroup, cancellationToken).ConfigureAwait(false);
            double windowSeconds = time.GetElapsedTime(windowStart).TotalSeconds;
            double relayCpu = relay.ReadCpuSeconds() - cpuStart;
            double benchCpu = (Process.GetCurrentProcess().TotalProcessorTime - benchCpuStart).TotalSeconds;
            // Of the threads alive at the end (thread-pool threads that retired in the window are not counted).
            long switches = ProcStat.ContextSwitches(Environment.ProcessId) - switchesStart;
            long allocated = GC.GetTotalAllocatedBytes() - allocatedStart;
            long rssLoaded = relay.ReadRssBytes();

            // Objects of the last measured group still in flight get the drain time to arrive, then count as dropped.
            await Task.Delay(settings.Drain, time, cancellationToken).ConfigureAwait(false);
            foreach (var s in subscribers)
                s.StopMeasuring();
            // The publisher stops before the relay's counters are read. When the relay and this process cannot keep up
            // (1,000 subscribers on 2 cores), their thread-pool queues grow for as long as objects keep coming, and the
            // HTTP requests below waited behind them past HttpClient's timeout: its TaskCanceledException reached
            // System.CommandLine, which exits with 1 and prints nothing for cancellations.
            await stopPublishing.CancelAsync().ConfigureAwait(false);
            await publishLoop.ConfigureAwait(false);
            phase = "reading the relay's counters and live heap";
            JsonElement stats = await relay.ReadStatsAsync(cancellationToken).ConfigureAwait(false);
            // The live heap with every subscriber still connected and subscribed, read once nothing is measured any more:
            // the full collection it takes pauses the relay.
            long heapLoaded = await relay.ReadLiveHeapBytesAsync(cancellationToken).ConfigureAwait(false);

            long expected = (long)groups * settings.ObjectsPerGroup;
            double measuredSeconds = groups * settings.GroupDuration.TotalSeconds;
            var rates = subscribers.Select(s => s.Bytes * 8 / measuredSeconds / 1e6).ToList();
            return new Result(
                subscriberCount,
                rates.Average(),
                rates.Min(),
                Percentile(histogram, 0.50),
                Percentile(histogram, 0.99),
                Percentile(histogram, 1.0),
                subscribers.Sum(s => s.Late),
                subscribers.Sum(s => Math.Max(0, expected - s.Objects)),
                stats.GetProperty("relay").GetProperty("droppedGroups").GetInt64(),
                relayCpu / windowSeconds * 100,
                relayCpu,
                relayCpu * 1e6 / expected / subscriberCount,
                rssBaseline,
                rssLoaded,
                heapBaseline,
                heapLoaded,
                benchCpu / windowSeconds * 100,
                benchCpu * 1e6 / expected / subscriberCount,
                switches / windowSeconds,
                (double)allocated / expected / subscriberCount,
                loadBefore,
                LoadAverage());
        }
        catch (Exception e) when (e is not BenchException && !cancellationToken.IsCancellationRequested)
        {
            throw new BenchException($"{phase} failed: {Describe(e)}", e);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var s in subscribers)
                await s.DisposeAsync().ConfigureAwait(false);
            foreach (var c in connections)
            {
                if (c is not null)
                    await c.DisposeAsync().ConfigureAwait(false);
            }
            producer.Complete();
            await publisherConnection.DisposeAsync().ConfigureAwait(false);
            foreach (var endpoint in endpoints)
                await endpoint.DisposeAsync().ConfigureAwait(false); // each socket closes when its last connection has drained
        }
    }

    private static async Task<MoqtClientConnection> ConnectAsync(
        Uri url, ClientCertificateOptions tls, IPublisher? publisher, ArrayPool<byte> payloads, QuicClientEndpoint? endpoint, TimeProvider time, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await MoqtClientConnection.ConnectAsync(url, tls, publisher, time, cancellationToken, HandshakeTimeout, SubscriberTracks, payloads, endpoint).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < ConnectAttempts && ClientErrors.IsConnectFailure(e))
            {
                // A loaded machine can make a handshake time out; try again.
            }
            catch (Exception e) when (ClientErrors.IsConnectFailure(e))
            {
                throw new BenchException(ClientErrors.DescribeConnectFailure(url, e));
            }
        }
    }

    /// <summary>The latency at quantile <paramref name="q"/> in milliseconds (bucket upper bound), or NaN with no samples.</summary>
    private static double Percentile(long[] histogram, double q)
    {
        long total = histogram.Sum();
        if (total == 0)
            return double.NaN;
        long rank = Math.Max(1, (long)Math.Ceiling(q * total));
        long seen = 0;
        for (int i = 0; i < histogram.Length; i++)
        {
            seen += histogram[i];
            if (seen >= rank)
                return (i + 1) * BucketMicros / 1000.0;
        }

        return Buckets * BucketMicros / 1000.0;
    }

    private static string DescribeClientSockets(int? endpoints) => endpoints switch
    {
        0 => "a UDP socket per subscriber",
        null => $"one shared UDP socket per {SubscribersPerClientEndpoint} subscribers",
        _ => $"subscribers on {endpoints} shared UDP socket(s)",
    };

    private static string LoadAverage()
    {
        string[] fields = File.ReadAllText("/proc/loadavg").Split(' ');
        return $"{fields[0]} {fields[1]} {fields[2]}";
    }

    /// <summary>The exception's type and message and those of its inner exceptions ("see inner exception" says nothing).</summary>
    private static string Describe(Exception e)
    {
        var text = new System.Text.StringBuilder();
        for (Exception? x = e; x is not null; x = x.InnerException)
            text.Append(text.Length == 0 ? "" : " <- ").Append(x.GetType().Name).Append(": ").Append(x.Message);
        return text.ToString();
    }

    private sealed class BenchException(string message, Exception? inner = null) : Exception(message, inner);

    private sealed record Result(
        int Subscribers, double MeanMbps, double MinMbps, double P50, double P99, double Max, long Late, long Dropped, long RelayDroppedGroups,
        double RelayCpuPercent, double RelayCpuSeconds, double RelayCpuMicrosPerObject, long RssBaseline, long RssLoaded, long HeapBaseline, long HeapLoaded,
        double BenchCpuPercent, double BenchCpuMicrosPerObject, double BenchContextSwitchesPerSecond, double BenchBytesAllocatedPerObject, string LoadBefore,
        string LoadAfter)
    {
        public string Format() => string.Create(CultureInfo.InvariantCulture,
            $"| {Subscribers} | {MeanMbps:0.000} / {MinMbps:0.000} | {P50:0.0} | {P99:0.0} | {Max:0.0} | {Late} | {Dropped} | {RelayDroppedGroups} | {RelayCpuPercent:0} | {RelayCpuSeconds:0.0} | {RelayCpuMicrosPerObject:0} | {RssBaseline / 1e6:0} → {RssLoaded / 1e6:0} | {(RssLoaded - RssBaseline) / 1024.0 / Subscribers:0} | {HeapBaseline / 1e6:0.0} → {HeapLoaded / 1e6:0.0} | {(HeapLoaded - HeapBaseline) / 1024.0 / Subscribers:0} | {BenchCpuPercent:0} | {BenchCpuMicrosPerObject:0} | {BenchContextSwitchesPerSecond:0} | {BenchBytesAllocatedPerObject:0} | {LoadBefore} / {LoadAfter} |");
    }

    /// <summary>Object payload: the send time (<see cref="TimeProvider.GetTimestamp"/> of this process) then filler bytes.</summary>
    private static class Payload
    {
        public const int HeaderSize = sizeof(long);

        public static MoqtPayload Create(int size, long timestamp)
        {
            var payload = MoqtPayload.Rent(size);
            Span<byte> span = payload.GetWritableSpan();
            BinaryPrimitives.WriteInt64LittleEndian(span, timestamp);
            span[HeaderSize..].Clear();
            return payload;
        }

        public static long ReadTimestamp(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadInt64LittleEndian(payload);
    }

    /// <summary>Writes groups of <see cref="Settings.ObjectsPerGroup"/> objects, each on its due time (no drift).</summary>
    private sealed class Pacer(TrackProducer producer, Settings settings, int objectSize, TimeProvider time)
    {
        private readonly Lock _sync = new();
        private readonly List<(ulong Group, TaskCompletionSource Started)> _waiters = [];
        private ulong _group;

        public ulong CurrentGroup
        {
            get
            {
                lock (_sync)
                    return _group;
            }
        }

        public Task WaitForGroupAsync(ulong group, CancellationToken cancellationToken)
        {
            lock (_sync)
            {
                if (_group >= group)
                    return Task.CompletedTask;
                var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((group, started));
                return started.Task.WaitAsync(cancellationToken);
            }
        }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            TimeSpan interval = settings.GroupDuration / settings.ObjectsPerGroup;
            long start = time.GetTimestamp();
            long sent = 0;
            try
            {
                for (ulong groupId = 0; ; groupId++)
                {
                    lock (_sync)
                    {
                        _group = groupId;
                        foreach (var w in _waiters.Where(w => w.Group <= groupId).ToList())
                        {
                            w.Started.TrySetResult();
                            _waiters.Remove(w);
                        }
                    }

                    GroupProducer group = producer.CreateGroup(groupId);
                    SubgroupProducer subgroup = group.CreateSubgroup(0);
                    for (ulong objectId = 0; objectId < (ulong)settings.ObjectsPerGroup; objectId++, sent++)
                    {
                        TimeSpan wait = interval * sent - time.GetElapsedTime(start);
                        if (wait > TimeSpan.Zero)
                            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
                        subgroup.Write(objectId, Payload.Create(objectSize, time.GetTimestamp()));
                    }

                    subgroup.Complete();
                    group.Complete();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped.
            }
        }
    }

    /// <summary>One subscriber session: reads every group concurrently and counts objects of the measured groups.</summary>
    private sealed class Subscriber : IAsyncDisposable
    {
        private readonly MoqtClientConnection _connection;
        private readonly TrackConsumer _track;
        private readonly long[] _histogram;
        private readonly long _lateTicks;
        private readonly TimeProvider _time;
        private readonly Task _reader;
        private ulong _firstGroup = ulong.MaxValue;
        private ulong _endGroup = ulong.MaxValue;
        private volatile bool _measuring;
        private long _bytes;
        private long _objects;
        private long _late;

        private Subscriber(MoqtClientConnection connection, TrackConsumer track, long[] histogram, TimeSpan late, TimeProvider time, CancellationToken cancellationToken)
        {
            _connection = connection;
            _track = track;
            _histogram = histogram;
            _lateTicks = (long)(late.TotalSeconds * time.TimestampFrequency);
            _time = time;
            _reader = Task.Run(() => ReadAsync(cancellationToken), CancellationToken.None);
        }

        public long Bytes => Interlocked.Read(ref _bytes);

        public long Objects => Interlocked.Read(ref _objects);

        public long Late => Interlocked.Read(ref _late);

        /// <summary>Subscribes on <paramref name="connected"/>; when its session fails, again on new connections to <paramref name="url"/>.</summary>
        public static async Task<Subscriber> StartAsync(
            MoqtClientConnection connected, Uri url, ClientCertificateOptions tls, ArrayPool<byte> payloads, QuicClientEndpoint? endpoint, long[] histogram, TimeSpan late, TimeProvider time,
            CancellationToken cancellationToken)
        {
            MoqtClientConnection connection = connected;
            SubscribeResult result;
            for (int attempt = 1; ; attempt++)
            {
                if (attempt > 1)
                    connection = await ConnectAsync(url, tls, null, payloads, endpoint, time, cancellationToken).ConfigureAwait(false);
                try
                {
                    result = await connection.Session.SubscribeAsync(Track, SubscribeOptions.Default, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (Exception e) when (e is Moqt.Session.MoqtSessionException or Transport.TransportSessionClosedException)
                {
                    // A starved relay can let a session time out while it sets up; start over on a new connection.
                    await connection.DisposeAsync().ConfigureAwait(false);
                    if (attempt >= ConnectAttempts)
                        throw new BenchException($"SUBSCRIBE failed {attempt} times: {e.Message}");
                }
                catch
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            }

            if (!result.IsOk)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw new BenchException($"SUBSCRIBE refused: {result.ErrorCode} {result.Reason}");
            }

            return new Subscriber(connection, result.Value!.Track, histogram, late, time, cancellationToken);
        }

        public void Measure(ulong firstGroup, ulong endGroup)
        {
            Volatile.Write(ref _firstGroup, firstGroup);
            Volatile.Write(ref _endGroup, endGroup);
            _measuring = true;
        }

        public void StopMeasuring() => _measuring = false;

        private async Task ReadAsync(CancellationToken cancellationToken)
        {
            var groups = new List<Task>();
            try
            {
                while (true)
                {
                    TrackReadResult next = await _track.NextGroupAsync(cancellationToken).ConfigureAwait(false);
                    if (next.IsEnd)
                        break;
                    groups.RemoveAll(static t => t.IsCompleted);
                    groups.Add(ReadGroupAsync(next.Group!, cancellationToken));
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }

            try
            {
                await Task.WhenAll(groups).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }

        // Groups are read concurrently: a new group's stream may start before the previous one's last object arrives.
        private async Task ReadGroupAsync(GroupConsumer group, CancellationToken cancellationToken)
        {
            bool measured = group.GroupId >= Volatile.Read(ref _firstGroup) && group.GroupId < Volatile.Read(ref _endGroup);
            while (await group.NextSubgroupAsync(cancellationToken).ConfigureAwait(false) is { } subgroup)
            {
                while (true)
                {
                    ObjectReadResult read = await subgroup.ReadObjectAsync(cancellationToken).ConfigureAwait(false);
                    if (read.Status != ObjectReadStatus.Object)
                        break;
                    MoqtObject obj = read.Object!;
                    try
                    {
                        if (!measured || !_measuring || obj.Status != ObjectStatus.Normal || obj.Payload.Length < Payload.HeaderSize)
                            continue;
                        long latency = _time.GetTimestamp() - Payload.ReadTimestamp(obj.Payload.Span);
                        long micros = (long)(latency * 1_000_000.0 / _time.TimestampFrequency);
                        Interlocked.Increment(ref _histogram[Math.Clamp(micros / BucketMicros, 0, Buckets - 1)]);
                        Interlocked.Add(ref _bytes, obj.Payload.Length);
                        Interlocked.Increment(ref _objects);
                        if (latency > _lateTicks)
                            Interlocked.Increment(ref _late);
                    }
                    finally
                    {
                        obj.Release();
                    }
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _track.Dispose();
            await _connection.DisposeAsync().ConfigureAwait(false);
            try
            {
                await _reader.ConfigureAwait(false);
            }
            catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException or Moqt.Session.MoqtSessionException or Transport.TransportSessionClosedException)
            {
                // The session is gone: the reader ends either way.
            }
        }
    }

    /// <summary>
    /// <c>moqlive serve</c> as a child process on a free loopback port with a development certificate; its CPU and RSS come
    /// from /proc/PID/stat and /proc/PID/status, its GC heap and relay counters from /api/stats. Killed by PID on dispose.
    /// </summary>
    private sealed class RelayProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _directory;
        private readonly HttpClient _http;

        private readonly TextWriter _error;
        private readonly TimeProvider _time;

        private RelayProcess(Process process, string directory, Uri moqtUrl, Uri webUrl, byte[] sha256, TextWriter error, TimeProvider time)
        {
            _process = process;
            _error = error;
            _time = time;
            _directory = directory;
            MoqtUrl = moqtUrl;
            CertificateSha256 = sha256;
            _http = new HttpClient(new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(certificate.RawData), sha256),
            })
            { BaseAddress = webUrl, Timeout = StatsTimeout };
        }

        public Uri MoqtUrl { get; }

        public byte[] CertificateSha256 { get; }

        public static async Task<RelayProcess> StartAsync(TextWriter error, TimeProvider time, CancellationToken cancellationToken)
        {
            // An empty working directory: no appsettings.json of the caller's folder changes the relay under test.
            string directory = Directory.CreateTempSubdirectory("moqlive-fanout-").FullName;
            var info = new ProcessStartInfo(Environment.ProcessPath!)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = directory,
            };
            // Under 'dotnet moqlive.dll' the process is the host; pass it the same entry assembly.
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
                info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
            foreach (string a in (string[])["serve", "--listen", "127.0.0.1:0", "--log-level", "Warning"])
                info.ArgumentList.Add(a);
            info.Environment[MoqLive.Server.MoqLiveServerConfiguration.EnvironmentPrefix + nameof(MoqLive.Server.MoqLiveServerOptions.HeapDiagnostics)] = "true";
            var process = Process.Start(info) ?? throw new BenchException("could not start 'moqlive serve'");
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is { Length: > 0 } line)
                    error.WriteLine($"relay: {line}");
            };
            process.BeginErrorReadLine();
            try
            {
                Uri? moqt = null, web = null;
                byte[]? sha256 = null;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(60));
                while (await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false) is { } line)
                {
                    string text = line.Trim();
                    if (text.StartsWith("MOQT raw QUIC", StringComparison.Ordinal))
                        moqt = new Uri(text["MOQT raw QUIC".Length..].Trim());
                    else if (text.StartsWith("Web (HTTPS)", StringComparison.Ordinal))
                        web = new Uri(text["Web (HTTPS)".Length..].Trim());
                    else if (text.StartsWith("Certificate SHA-256:", StringComparison.Ordinal))
                        sha256 = Convert.FromHexString(text["Certificate SHA-256:".Length..].Trim());
                    else if (text.StartsWith("Press Ctrl+C", StringComparison.Ordinal))
                        break;
                }

                if (moqt is null || web is null || sha256 is null)
                    throw new BenchException("'moqlive serve' exited or printed no URLs");
                // Keep draining stdout so the relay never blocks on a full pipe.
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                return new RelayProcess(process, directory, moqt, web, sha256, error, time);
            }
            catch
            {
                process.Kill();
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                process.Dispose();
                Directory.Delete(directory, recursive: true);
                throw;
            }
        }

        /// <summary>utime + stime of /proc/PID/stat, in seconds.</summary>
        public double ReadCpuSeconds() => ProcStat.CpuSeconds(_process.Id);

        /// <summary>VmRSS of /proc/PID/status, in bytes.</summary>
        public long ReadRssBytes()
        {
            foreach (string line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }

            throw new BenchException("no VmRSS in /proc/PID/status");
        }

        public Task<JsonElement> ReadStatsAsync(CancellationToken cancellationToken) => GetStatsAsync("api/stats", cancellationToken);

        /// <summary>
        /// The relay's live managed heap right after a full compacting collection (/api/stats?gc=full, enabled by
        /// MOQLIVE_HeapDiagnostics): unlike RSS or the heap size at the last GC it counts no garbage and none of the
        /// memory the GC and the thread pool keep in reserve, so its growth is what the subscribers hold.
        /// </summary>
        public async Task<long> ReadLiveHeapBytesAsync(CancellationToken cancellationToken)
        {
            JsonElement stats = await GetStatsAsync("api/stats?gc=full", cancellationToken).ConfigureAwait(false);
            return stats.GetProperty("process").GetProperty("gcLiveBytes").GetInt64();
        }

        /// <summary>
        /// GET <paramref name="path"/>, tried again while the relay is too busy to answer: after minutes of connecting,
        /// the web server has closed the idle HTTPS connection, and a relay still working off a backlog for 1,000
        /// subscribers did not finish the new TLS handshake within its handshake timeout.
        /// </summary>
        private async Task<JsonElement> GetStatsAsync(string path, CancellationToken cancellationToken)
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    return await _http.GetFromJsonAsync<JsonElement>(path, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (attempt < StatsAttempts && !cancellationToken.IsCancellationRequested
                    && e is HttpRequestException or TaskCanceledException)
                {
                    await _error.WriteLineAsync($"relay busy: GET /{path} failed ({Describe(e)}); trying again in {StatsRetryDelay.TotalSeconds:0} s").ConfigureAwait(false);
                    await Task.Delay(StatsRetryDelay, _time, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            if (!_process.HasExited)
                _process.Kill();
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            _process.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
