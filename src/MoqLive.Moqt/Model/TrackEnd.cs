namespace MoqLive.Moqt.Model;

/// <summary>
/// Why a track (or one consumer's subscription) ended: the PUBLISH_DONE equivalent.
/// </summary>
/// <param name="StatusCode">PUBLISH_DONE status code to send downstream.</param>
/// <param name="Reason">Reason phrase (≤ 1024 bytes UTF-8 on the wire).</param>
/// <param name="Aborted">
/// True if the source went away without finishing the track (session lost, upstream reset); a relay keeps its
/// downstream subscribers and waits for a publisher to come back. False for an orderly end (PUBLISH_DONE received,
/// end of track reached).
/// </param>
public sealed record TrackEnd(PublishDoneStatusCode StatusCode, string Reason, bool Aborted = false);
