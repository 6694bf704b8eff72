namespace MoqLive.Media.Mp4;

/// <summary>What ftyp + moov say: the audio and video tracks (other tracks, e.g. subtitles, are left out).</summary>
public sealed record Mp4InitSegment(string MajorBrand, IReadOnlyList<Mp4Track> Tracks)
{
    /// <summary>The first video track, if any.</summary>
    public Mp4Track? Video => Tracks.FirstOrDefault(t => t.Kind == Mp4TrackKind.Video);

    /// <summary>The first audio track, if any.</summary>
    public Mp4Track? Audio => Tracks.FirstOrDefault(t => t.Kind == Mp4TrackKind.Audio);
}
