namespace MoqLive.Moqt.Model;

/// <summary>TRACK_STATUS_OK: what a SUBSCRIBE_OK would say, without a subscription.</summary>
/// <param name="Track">Track info and properties.</param>
/// <param name="LargestLocation">LARGEST_OBJECT, or null if nothing was published.</param>
/// <param name="End">How the track ended, if it did (null while live or unknown).</param>
public sealed record TrackStatusOk(TrackInfo Track, Location? LargestLocation, TrackEnd? End = null);
