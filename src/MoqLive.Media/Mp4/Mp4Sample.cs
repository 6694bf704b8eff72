namespace MoqLive.Media.Mp4;

/// <summary>
/// One sample (an encoded video frame or audio packet) from a <c>trun</c> (ISO/IEC 14496-12 §8.8.8), times in the
/// track's timescale. <see cref="Data"/> points into the fragment's mdat buffer, which nothing else writes.
/// </summary>
public sealed record Mp4Sample(
    uint TrackId,
    long DecodeTime,
    long CompositionOffset,
    uint Duration,
    bool IsKeyFrame,
    ReadOnlyMemory<byte> Data)
{
    /// <summary>Decode time plus composition offset.</summary>
    public long PresentationTime => DecodeTime + CompositionOffset;
}
