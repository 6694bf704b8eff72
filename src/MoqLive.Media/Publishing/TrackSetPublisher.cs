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

    /// <summary>
    /// PUBLISH every track to <paramref name="relay"/> (draft-19 §"PUBLISH"), from the first object written on, so the relay
    /// holds each track's current group before a viewer asks (docs/media-format.md "Publishing"). Call it before the
    /// tracks get objects and before PUBLISH_NAMESPACE. A refused track stays served through SUBSCRIBE.
    /// </summary>
    /// <returns>Each track's answer, in the order the tracks were given.</returns>
    public async Task<IReadOnlyList<(FullTrackName Track, PublishResult Result)>> PublishTracksAsync(ISubscriber relay, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relay);
        var pushes = _tracks.Values.Select(async producer =>
        {
            TrackConsumer consumer = producer.Subscribe(new TrackConsumerOptions { Start = TrackStart.At(Location.Zero) });
            PublishResult result;
            try
            {
                result = await relay.PublishAsync(consumer, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                consumer.Dispose();
                throw;
            }

            if (!result.IsOk)
                consumer.Dispose();
            return (producer.Name, result);
        });
        return await Task.WhenAll(pushes).ConfigureAwait(false);
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
