using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoqLive.Moqt.Model;
using MoqLive.Relay.Internal;

namespace MoqLive.Relay;

/// <summary>
/// A MOQT relay core (draft-ietf-moq-transport-19 §"Relays"), with no socket code. It implements both
/// <see cref="IPublisher"/> (downstream sessions SUBSCRIBE, FETCH, ask TRACK_STATUS and SUBSCRIBE_NAMESPACE through it)
/// and <see cref="ISubscriber"/> (upstream sessions PUBLISH_NAMESPACE and PUBLISH into it), so a relay is just the
/// handler every session is given (moxygen's MoQRelay).
/// </summary>
/// <remarks>
/// <para>Per track the relay keeps one <see cref="TrackProducer"/>: it is the cache (newest groups, bounded in groups,
/// bytes and age) and the fan-out (every downstream subscriber gets its own <see cref="TrackConsumer"/> over the same
/// shared, ref-counted objects; nothing is copied per subscriber). Concurrent SUBSCRIBEs for a track share one upstream
/// SUBSCRIBE. Each subscriber's queue is its consumer's cursor into the shared cache, bounded by
/// <see cref="MoqtRelayOptions.MaxSubscriberLagGroups"/>: a slow subscriber loses whole stale groups and continues at the
/// newest one (a partly sent group is abandoned, i.e. its streams are reset) and never slows anyone else down.</para>
/// <para>When a publisher's session goes away its tracks wait <see cref="MoqtRelayOptions.PublisherReconnectGrace"/> for
/// a publisher to PUBLISH_NAMESPACE a matching namespace again, then resume into the same consumers; otherwise the
/// subscribers see the end of the track (PUBLISH_DONE). When the last subscriber of a track leaves, the upstream
/// subscription is cancelled and the cache released.</para>
/// </remarks>
public sealed partial class MoqtRelay : IPublisher, ISubscriber, IAsyncDisposable
{
    private static readonly SubscribeOptions UpstreamSubscribeOptions = new() { Start = TrackStart.LargestObject };

    private readonly Lock _sync = new();
    private readonly MoqtRelayOptions _options;
    private readonly TrackProducerOptions _cacheOptions;
    private readonly ILogger _logger;
    private readonly Dictionary<FullTrackName, RelayTrack> _tracks = [];
    private readonly List<PublisherRegistration> _publishers = [];
    private readonly List<NamespaceProducer> _namespaceSubscribers = [];
    private readonly HashSet<TrackProducer> _draining = [];
    private readonly ITimer? _trimTimer;
    private TrackStatistics _closedTotals;
    private long _registrationOrder;
    private bool _disposed;

    /// <summary>Creates a relay.</summary>
    public MoqtRelay(MoqtRelayOptions? options = null)
    {
        _options = options ?? MoqtRelayOptions.Default;
        _options.Validate();
        _cacheOptions = _options.Cache with { TimeProvider = _options.TimeProvider };
        _logger = (ILogger?)_options.LoggerFactory?.CreateLogger<MoqtRelay>() ?? NullLogger.Instance;
        Metrics = new RelayMetrics(this);
        // Always armed: tracks may bring their own MAX_CACHE_DURATION even when the relay sets no age bound.
        _trimTimer = _options.TimeProvider.CreateTimer(static state => ((MoqtRelay)state!).TrimCaches(), this, _options.CacheTrimInterval, _options.CacheTrimInterval);
    }

    /// <summary>Counters.</summary>
    public RelayMetrics Metrics { get; }

    internal int TrackCount
    {
        get
        {
            lock (_sync)
                return _tracks.Count;
        }
    }

    internal int CountTracks(RelayTrackState state)
    {
        lock (_sync)
            return _tracks.Values.Count(t => t.State == state);
    }

    /// <summary>Ends every track (subscribers see GOING_AWAY) and stops timers.</summary>
    public ValueTask DisposeAsync()
    {
        var cancel = new List<CancellationTokenSource>();
        List<NamespaceProducer> namespaceSubscribers;
        lock (_sync)
        {
            if (_disposed)
                return ValueTask.CompletedTask;
            _disposed = true;
            foreach (var entry in _tracks.Values.ToList())
            {
                if (entry.PumpCancellation is { } cts)
                    cancel.Add(cts);
                CloseTrack(entry, new TrackEnd(PublishDoneStatusCode.GoingAway, "Relay shutting down."));
            }

            namespaceSubscribers = [.. _namespaceSubscribers];
            _namespaceSubscribers.Clear();
        }

        _trimTimer?.Dispose();
        foreach (var cts in cancel)
            cts.Cancel();
        foreach (var ns in namespaceSubscribers)
            ns.Complete();
        return ValueTask.CompletedTask;
    }

    internal TrackStatistics Totals()
    {
        lock (_sync)
        {
            var total = _closedTotals;
            foreach (var entry in _tracks.Values)
            {
                if (entry.Producer is { } producer)
                    total = Add(total, producer.GetStatistics());
            }

            foreach (var producer in _draining)
                total = Add(total, producer.GetStatistics());
            return total;
        }
    }

    private static TrackStatistics Add(TrackStatistics a, TrackStatistics b) => new(
        a.CachedBytes + b.CachedBytes,
        a.CachedGroups + b.CachedGroups,
        a.EvictedGroups + b.EvictedGroups,
        a.ObjectsWritten + b.ObjectsWritten,
        a.ObjectsRead + b.ObjectsRead,
        a.BytesRead + b.BytesRead,
        a.GroupsSkipped + b.GroupsSkipped,
        a.SubgroupsAbandoned + b.SubgroupsAbandoned,
        a.Consumers + b.Consumers);

    /// <summary>The most specific (then newest) publisher whose namespace is a prefix of <paramref name="trackNamespace"/>. Under the lock.</summary>
    private PublisherRegistration? FindPublisher(TrackNamespace trackNamespace, long newerThan = -1)
    {
        PublisherRegistration? best = null;
        foreach (var registration in _publishers)
        {
            if (registration.Order <= newerThan || !registration.Namespace.IsPrefixOf(trackNamespace))
                continue;
            if (best is null
                || registration.Namespace.Count > best.Namespace.Count
                || (registration.Namespace.Count == best.Namespace.Count && registration.Order > best.Order))
                best = registration;
        }

        return best;
    }

    private void TrimCaches()
    {
        List<TrackProducer> producers;
        lock (_sync)
            producers = [.. _tracks.Values.Select(static t => t.Producer).OfType<TrackProducer>(), .. _draining];
        foreach (var producer in producers)
            producer.TrimExpired();
    }

    /// <summary>Ends a track toward its subscribers and removes it. Under the lock.</summary>
    private void CloseTrack(RelayTrack entry, TrackEnd end)
    {
        if (entry.State == RelayTrackState.Closed)
            return;
        entry.State = RelayTrackState.Closed;
        entry.GraceTimer?.Dispose();
        entry.GraceTimer = null;
        if (_tracks.TryGetValue(entry.Name, out var current) && ReferenceEquals(current, entry))
            _tracks.Remove(entry.Name);
        entry.Ready.TrySetResult(SubscribeResult.Error(RequestErrorCode.DoesNotExist, end.Reason));
        if (entry.Producer is not { } producer)
            return;
        if (end.Aborted)
            producer.Abort(end.StatusCode, end.Reason);
        else
            producer.Complete(end.StatusCode, end.Reason);
        Metrics.AddPublishDone();
        Log.TrackEnded(_logger, entry.Name.ToString(), end.StatusCode.ToString(), end.Reason);

        // Subscribers drain what is cached; the cache is released when the last of them leaves.
        if (producer.ConsumerCount == 0)
            Retire(producer);
        else
            _draining.Add(producer);
    }

    /// <summary>Adds a producer's counters to the totals and releases its cache. Under the lock.</summary>
    private void Retire(TrackProducer producer)
    {
        _draining.Remove(producer);
        _closedTotals = Add(_closedTotals, producer.GetStatistics() with { CachedBytes = 0, CachedGroups = 0, Consumers = 0 });
        producer.Dispose();
    }

    private void OnUnused(RelayTrack entry, TrackProducer producer)
    {
        CancellationTokenSource? cancel = null;
        lock (_sync)
        {
            if (_draining.Contains(producer))
            {
                if (producer.ConsumerCount == 0)
                    Retire(producer);
                return;
            }

            if (entry.State == RelayTrackState.Closed || !ReferenceEquals(entry.Producer, producer) || producer.ConsumerCount > 0
                || entry.IsPushed || entry.PendingSubscribers > 0)
                return;

            // No subscriber left: unsubscribe upstream (the pump disposes the upstream consumer) and drop the cache.
            entry.State = RelayTrackState.Closed;
            entry.GraceTimer?.Dispose();
            entry.GraceTimer = null;
            if (_tracks.TryGetValue(entry.Name, out var current) && ReferenceEquals(current, entry))
                _tracks.Remove(entry.Name);
            cancel = entry.PumpCancellation;
            Retire(producer);
            Log.TrackUnused(_logger, entry.Name.ToString());
        }

        cancel?.Cancel();
    }
}
