using MoqLive.Moqt.Model;

namespace MoqLive.Media.Publishing;

/// <summary>
/// Serves a fixed set of local tracks to a relay (after PUBLISH_NAMESPACE): SUBSCRIBE from each track's cache window,
/// FETCH (standalone and joining) from the same window, TRACK_STATUS. Unknown tracks do not exist.
/// </summary>
public sealed class TrackSetPublisher : IPublisher
{
    private readonly Dictionary<FullTrackName, TrackProducer> _tracks;

    public TrackSetPublisher(IEnumerable<TrackProducer> tracks)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        _tracks = tracks.ToDictionary(t => t.Name);
    }

    public ValueTask<SubscribeResult> SubscribeAsync(FullTrackName track, SubscribeOptions? options = null, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_tracks.TryGetValue(track, out TrackProducer? producer)
            ? SubscribeResult.Ok(producer.Subscribe(new TrackConsumerOptions { Start = options?.Start ?? TrackStart.LargestObject }))
            : SubscribeResult.Error(RequestErrorCode.DoesNotExist, $"This publisher has no track {track}."));

    public ValueTask<FetchResult> FetchAsync(FetchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_tracks.TryGetValue(request.Track, out TrackProducer? producer))
            return ValueTask.FromResult(FetchResult.Error(RequestErrorCode.DoesNotExist, $"This publisher has no track {request.Track}."));
        if (!request.TryResolveRange(out Location start, out Location end))
            return ValueTask.FromResult(FetchResult.Error(RequestErrorCode.InvalidRange, "Nothing has been published in that range yet."));
        return ValueTask.FromResult(producer.Fetch(start, end, request.GroupOrder));
    }

    public ValueTask<TrackStatusResult> TrackStatusAsync(FullTrackName track, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_tracks.TryGetValue(track, out TrackProducer? producer)
            ? TrackStatusResult.Ok(new TrackStatusOk(producer.Info, producer.LargestLocation, producer.End))
            : TrackStatusResult.Error(RequestErrorCode.DoesNotExist, $"This publisher has no track {track}."));

    public ValueTask<SubscribeNamespaceResult> SubscribeNamespaceAsync(TrackNamespace prefix, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(SubscribeNamespaceResult.Error(RequestErrorCode.NotSupported, "SUBSCRIBE_NAMESPACE is not supported by this publisher."));
}
