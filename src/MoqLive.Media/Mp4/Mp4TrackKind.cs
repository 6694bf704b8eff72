namespace MoqLive.Media.Mp4;

/// <summary>A track's media type, from its handler (hdlr <c>vide</c> / <c>soun</c>, ISO/IEC 14496-12 §8.4.3).</summary>
public enum Mp4TrackKind
{
    Video,
    Audio,
}
