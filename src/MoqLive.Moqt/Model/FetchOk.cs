namespace MoqLive.Moqt.Model;

/// <summary>A successful FETCH: the objects to read and what FETCH_OK says.</summary>
/// <param name="Objects">The response objects in order. The requester owns it; dispose to cancel.</param>
/// <param name="Track">Track info (FETCH_OK carries the track properties).</param>
/// <param name="EndOfTrack">FETCH_OK End Of Track: every object of the track has been published and the range reaches the last one.</param>
/// <param name="EndLocation">Inclusive last location the response covers (the session encodes it as "+1" on the wire).</param>
public sealed record FetchOk(FetchConsumer Objects, TrackInfo Track, bool EndOfTrack, Location EndLocation);
