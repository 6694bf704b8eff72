using MoqLive.Moqt.Model;

namespace MoqLive.Relay.Tests;

/// <summary>
/// An in-process publisher standing in for an upstream session: serves SUBSCRIBE/FETCH/TRACK_STATUS from its own
/// track producers. Counts SUBSCRIBEs and can hold them behind a gate to test coalescing.
/// </summary>
internal sealed class TestPublisher : IPublisher
{
    private readonly Dictionary<FullTrackName, TrackProducer> _tracks = [];
    private int _subscribes;

    public TaskCompletionSource? Gate { get; set; }

    public SubscribeResult? FailWith { get; set; }

    /// <summary>Answers SUBSCRIBE without LARGEST_OBJECT even when it has published (as some peers do).</summary>
    public bool OmitLargestLocation { get; set; }

    public int Subscribes => Volatile.Read(ref _subscribes);

    /// <summary>The FETCH types received, in order.</summary>
    public List<FetchType> Fetches { get; } = [];

    /// <summary>Answers a standalone FETCH with this error (a publisher whose past objects the relay must not need).</summary>
    public FetchResult? FailStandaloneFetchWith { get; set; }

    /// <summary>Answers a joining FETCH with this response instead of its own cache (e.g. one that never completes).</summary>
    public Func<FetchRequest, FetchResult>? JoiningFetchResponse { get; set; }

    public TrackProducer AddTrack(FullTrackName name, TrackProducerOptions? options = null)
    {
        var producer = new TrackProducer(new TrackInfo(name), options ?? TrackProducerOptions.Default with { MaxGroups = 1000 });
        lock (_tracks)
            _tracks[name] = producer;
        return producer;
    }

    public async ValueTask<SubscribeResult> SubscribeAsync(FullTrackName track, SubscribeOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _subscribes);
        if (Gate is { } gate)
            await gate.Task.WaitAsync(cancellationToken);
        if (FailWith is { } failure)
            return failure;
        TrackProducer? producer;
        lock (_tracks)
            _tracks.TryGetValue(track, out producer);
        if (producer is null)
            return SubscribeResult.Error(RequestErrorCode.DoesNotExist, "no such track");
        var consumer = producer.Subscribe(new TrackConsumerOptions { Start = (options ?? SubscribeOptions.Default).Start, MaxLagGroups = 100_000 });
        return OmitLargestLocation ? SubscribeResult.Ok(new SubscribeOk(consumer, null)) : SubscribeResult.Ok(consumer);
    }

    public ValueTask<FetchResult> FetchAsync(FetchRequest request, CancellationToken cancellationToken = default)
    {
        lock (Fetches)
            Fetches.Add(request.Type);
        if (request.Type == FetchType.Standalone && FailStandaloneFetchWith is { } failure)
            return ValueTask.FromResult(failure);
        if (request.Type != FetchType.Standalone && JoiningFetchResponse is { } respond)
            return ValueTask.FromResult(respond(request));

        // A subscription answered without a Largest Location has no Joining Location (§"Joining Fetch Range Calculation").
        if (request.Type != FetchType.Standalone && OmitLargestLocation)
            return ValueTask.FromResult(FetchResult.Error(RequestErrorCode.InvalidRange, "no Joining Location"));
        TrackProducer? producer;
        lock (_tracks)
            _tracks.TryGetValue(request.Track, out producer);
        if (producer is null || !request.TryResolveRange(out var start, out var end))
            return ValueTask.FromResult(FetchResult.Error(RequestErrorCode.DoesNotExist, "no such track"));
        return ValueTask.FromResult(producer.Fetch(start, end, request.GroupOrder));
    }

    public ValueTask<TrackStatusResult> TrackStatusAsync(FullTrackName track, CancellationToken cancellationToken = default)
    {
        TrackProducer? producer;
        lock (_tracks)
            _tracks.TryGetValue(track, out producer);
        return ValueTask.FromResult(producer is null
            ? TrackStatusResult.Error(RequestErrorCode.DoesNotExist, "no such track")
            : TrackStatusResult.Ok(new TrackStatusOk(producer.Info, producer.LargestLocation, producer.End)));
    }

    public ValueTask<SubscribeNamespaceResult> SubscribeNamespaceAsync(TrackNamespace prefix, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(SubscribeNamespaceResult.Error(RequestErrorCode.NotSupported, "not a relay"));
}
