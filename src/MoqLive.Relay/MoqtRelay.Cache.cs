using MoqLive.Moqt.Model;

namespace MoqLive.Relay;

// Read-only access to the cache for the server's own use (no session, no upstream request).
public sealed partial class MoqtRelay
{
    /// <summary>
    /// A copy of the payload of the newest object the relay's cache holds for <paramref name="track"/>, or null when the
    /// relay does not carry the track (no subscriber brought it here) or has nothing of it cached. Never asks a publisher:
    /// for the server's pages, which must not wait for a round trip upstream (e.g. a channel's current catalog, MSF §5:
    /// one catalog object per group).
    /// </summary>
    public async ValueTask<byte[]?> LatestCachedPayloadAsync(FullTrackName track, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(track);
        FetchResult fetch;
        lock (_sync)
        {
            if (!_tracks.TryGetValue(track, out var entry) || entry.Producer is not { LargestLocation: { } largest } producer)
                return null;
            fetch = producer.Fetch(new Location(largest.Group, 0), largest);
        }

        if (!fetch.IsOk)
            return null;
        using FetchConsumer objects = fetch.Value!.Objects;
        byte[]? newest = null;
        while (true)
        {
            // A snapshot of the cache: every read completes at once.
            ObjectReadResult read = await objects.ReadObjectAsync(cancellationToken).ConfigureAwait(false);
            if (read.Status != ObjectReadStatus.Object)
                return newest;
            MoqtObject obj = read.Object!;
            if (obj.Status == ObjectStatus.Normal && obj.Payload.Length > 0)
                newest = obj.Payload.Span.ToArray();
            obj.Release();
        }
    }
}
