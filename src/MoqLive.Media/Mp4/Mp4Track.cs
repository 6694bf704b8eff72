namespace MoqLive.Media.Mp4;

/// <summary>
/// One audio or video track of a fragmented MP4, from its <c>trak</c> and <c>trex</c> boxes: the WebCodecs codec string
/// and decoder description a player configures its decoder with, and the defaults the movie fragments inherit.
/// </summary>
public sealed record Mp4Track
{
    /// <summary>track_ID (tkhd).</summary>
    public required uint TrackId { get; init; }

    public required Mp4TrackKind Kind { get; init; }

    /// <summary>Time units per second of the track's timestamps (mdhd).</summary>
    public required uint Timescale { get; init; }

    /// <summary>The sample entry type, e.g. <c>avc1</c>, <c>vp09</c>, <c>Opus</c>.</summary>
    public required string SampleEntry { get; init; }

    /// <summary>WebCodecs codec string (WebCodecs Codec Registry), e.g. <c>avc1.64001f</c>, <c>vp09.00.10.08</c>, <c>opus</c>.</summary>
    public required string Codec { get; init; }

    /// <summary>
    /// WebCodecs decoder description: the avcC body for H.264, an Opus identification header (RFC 7845 §5.1) built from
    /// dOps for Opus, null for VP9 (which has none).
    /// </summary>
    public byte[]? Description { get; init; }

    /// <summary>Coded width in pixels (visual sample entry); 0 for audio.</summary>
    public int Width { get; init; }

    /// <summary>Coded height in pixels (visual sample entry); 0 for audio.</summary>
    public int Height { get; init; }

    /// <summary>Output channel count (dOps); 0 for video.</summary>
    public int ChannelCount { get; init; }

    /// <summary>Sample rate in Hz (audio sample entry; 48000 for Opus); 0 for video.</summary>
    public int SampleRate { get; init; }

    internal uint DefaultSampleDescriptionIndex { get; init; } = 1;

    internal uint DefaultSampleDuration { get; init; }

    internal uint DefaultSampleSize { get; init; }

    internal uint DefaultSampleFlags { get; init; }

    /// <summary>Converts a time in this track's timescale to microseconds.</summary>
    public long ToMicroseconds(long time) => (long)((Int128)time * 1_000_000 / Timescale);
}
