namespace MoqLive.Moqt.Model;

/// <summary>Conveniences over <see cref="IPublisher"/>.</summary>
public static class PublisherExtensions
{
    /// <summary>SUBSCRIBE by namespace and UTF-8 track name.</summary>
    public static ValueTask<SubscribeResult> SubscribeAsync(
        this IPublisher publisher,
        TrackNamespace trackNamespace,
        string trackName,
        SubscribeOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        return publisher.SubscribeAsync(FullTrackName.Create(trackNamespace, trackName), options, cancellationToken);
    }
}
