namespace MoqLive.Moqt.Model;

/// <summary>
/// A successful subscription: the track to read and what SUBSCRIBE_OK says. The subscriber owns <see cref="Track"/>;
/// disposing it unsubscribes.
/// </summary>
/// <param name="Track">The subscribed track; <see cref="TrackConsumer.Info"/> carries the track properties.</param>
/// <param name="LargestLocation">LARGEST_OBJECT (0x9), or null if nothing was published yet.</param>
/// <param name="Expires">EXPIRES (0x8), or null if the subscription does not expire.</param>
public sealed record SubscribeOk(TrackConsumer Track, Location? LargestLocation, TimeSpan? Expires = null);
