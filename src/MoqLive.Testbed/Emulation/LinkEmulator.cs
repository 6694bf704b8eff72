namespace MoqLive.Testbed.Emulation;

/// <summary>
/// Sans-IO emulator of one direction of a network link (what netem would do, in userspace).
/// </summary>
/// <remarks>
/// <para>How to drive it: time is a monotonic <see cref="TimeSpan"/> since the start of the link, chosen by the
/// driver and never read from a clock here; it must not decrease across calls. For each packet read from the
/// ingress side, call <see cref="Enqueue"/>. Then call <see cref="TryDequeue(TimeSpan, out LinkPacket)"/> with the current time until it
/// returns false, writing each packet to the egress side, and sleep until <see cref="NextEventTime"/> (or the
/// next ingress packet, whichever comes first). Randomness comes only from the injected <see cref="Random"/>,
/// so a seed reproduces a run exactly.</para>
/// <para>Stages apply in the order loss → rate limit → trace → delay/jitter; see
/// <see cref="LinkEmulatorOptions"/>. Every bottleneck is FIFO, so a packet's delivery time is fixed when it is
/// enqueued; packets then wait in a delivery queue ordered by (delivery time, arrival order).</para>
/// </remarks>
public sealed class LinkEmulator
{
    private readonly LinkEmulatorOptions _options;
    private readonly Random _random;
    private readonly ILossModel? _loss;
    private readonly IServiceStage[] _stages;
    private readonly PriorityQueue<LinkPacket, (TimeSpan Time, long Sequence)> _deliveries = new();
    private TimeSpan _lastNow;
    private TimeSpan _lastDelivery;
    private long _sequence;

    public LinkEmulator(LinkEmulatorOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        options.Validate();
        _options = options;
        _random = random;
        _loss = options.GilbertElliott is { } ge ? new GilbertElliottLossModel(ge, random)
            : options.LossRate > 0 ? new BernoulliLossModel(options.LossRate, random)
            : null;
        var stages = new List<IServiceStage>();
        if (options.RateBitsPerSecond is { } rate)
        {
            stages.Add(new RateLimitStage(rate, NewQueue()));
        }

        if (options.Trace is { } trace)
        {
            stages.Add(new TraceStage(trace, NewQueue()));
        }

        _stages = stages.ToArray();

        DropTailQueue NewQueue() => new(options.QueueLimitBytes, options.QueueLimitPackets);
    }

    /// <summary>The options this emulator runs with.</summary>
    public LinkEmulatorOptions Options => _options;

    /// <summary>Counters since creation.</summary>
    public LinkStatistics Statistics { get; } = new();

    /// <summary>Packets accepted and not yet dequeued.</summary>
    public int PacketsInFlight => _deliveries.Count;

    /// <summary>When the next packet becomes deliverable, or null when the emulator holds no packet.</summary>
    public TimeSpan? NextEventTime => _deliveries.TryPeek(out _, out var key) ? key.Time : null;

    /// <summary>
    /// Offers a packet that entered the link at <paramref name="now"/>. On <see cref="EnqueueResult.Accepted"/> the
    /// emulator holds the buffer until <see cref="TryDequeue(TimeSpan, out LinkPacket)"/> returns it; on a drop the caller keeps it.
    /// </summary>
    public EnqueueResult Enqueue(TimeSpan now, LinkPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet.Buffer);
        ArgumentOutOfRangeException.ThrowIfNegative(packet.Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(packet.Length, packet.Buffer.Length);
        AdvanceTo(now);
        Statistics.PacketsEnqueued++;

        if (_loss?.ShouldDrop() == true)
        {
            Statistics.PacketsDroppedLoss++;
            return EnqueueResult.DroppedLoss;
        }

        if (_deliveries.Count >= _options.MaxPacketsInFlight)
        {
            Statistics.PacketsDroppedInFlightLimit++;
            return EnqueueResult.DroppedInFlightLimit;
        }

        TimeSpan time = now;
        foreach (var stage in _stages)
        {
            // Departures of a FIFO stage are non-decreasing, so each next stage sees non-decreasing arrivals.
            if (!stage.TryAdmit(time, packet.Length, out time))
            {
                Statistics.PacketsDroppedQueueFull++;
                return EnqueueResult.DroppedQueueFull;
            }
        }

        time += DrawDelay();
        if (!_options.AllowReordering)
        {
            if (time < _lastDelivery)
            {
                time = _lastDelivery;
            }

            _lastDelivery = time;
        }

        _deliveries.Enqueue(packet, (time, _sequence++));
        return EnqueueResult.Accepted;
    }

    /// <summary>Takes the next packet whose delivery time is at or before <paramref name="now"/>.</summary>
    public bool TryDequeue(TimeSpan now, out LinkPacket packet)
    {
        AdvanceTo(now);
        if (_deliveries.TryPeek(out packet, out var key) && key.Time <= now)
        {
            _deliveries.Dequeue();
            Statistics.PacketsDelivered++;
            Statistics.BytesDelivered += packet.Length;
            return true;
        }

        packet = default;
        return false;
    }

    /// <summary>
    /// Like <see cref="TryDequeue(TimeSpan, out LinkPacket)"/>, also giving the scheduled delivery time (at or before <paramref name="now"/>),
    /// for drivers and tests that measure delay precisely.
    /// </summary>
    public bool TryDequeue(TimeSpan now, out LinkPacket packet, out TimeSpan deliveryTime)
    {
        deliveryTime = _deliveries.TryPeek(out _, out var key) ? key.Time : default;
        if (TryDequeue(now, out packet))
        {
            return true;
        }

        deliveryTime = default;
        return false;
    }

    private TimeSpan DrawDelay()
    {
        TimeSpan delay = _options.Delay;
        if (_options.Jitter > TimeSpan.Zero)
        {
            long jitter = _options.Jitter.Ticks;
            delay += TimeSpan.FromTicks(_random.NextInt64(-jitter, jitter + 1));
        }

        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }

    private void AdvanceTo(TimeSpan now)
    {
        if (now < _lastNow)
        {
            throw new ArgumentOutOfRangeException(nameof(now), now, $"Time went backwards (last call was at {_lastNow}).");
        }

        _lastNow = now;
    }
}
