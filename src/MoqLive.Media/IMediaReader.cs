using MoqLive.Media.Mp4;

namespace MoqLive.Media;

/// <summary>
/// A streaming demuxer <see cref="Publishing.MediaChannelPublisher"/> reads: <see cref="Mp4.FragmentedMp4Reader"/> or
/// <see cref="MpegTs.MpegTsReader"/>. Call <see cref="ReadInitSegmentAsync"/> once, then <see cref="ReadFragmentAsync"/>
/// until it returns null. <see cref="MediaReader.OpenAsync"/> picks the reader by the input's first bytes.
/// </summary>
public interface IMediaReader
{
    /// <summary>The tracks, once <see cref="ReadInitSegmentAsync"/> returned.</summary>
    Mp4InitSegment? InitSegment { get; }

    /// <summary>Reads up to the point where every track is known.</summary>
    /// <exception cref="MediaFormatException">Malformed input or an unsupported codec.</exception>
    ValueTask<Mp4InitSegment> ReadInitSegmentAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads the next samples; null at the end of the input.</summary>
    /// <exception cref="MediaFormatException">Malformed input.</exception>
    ValueTask<Mp4Fragment?> ReadFragmentAsync(CancellationToken cancellationToken = default);

    /// <summary>The error for an input whose tracks were read but which ends before its first samples, in this format's terms.</summary>
    MediaFormatException NoMediaError();
}
