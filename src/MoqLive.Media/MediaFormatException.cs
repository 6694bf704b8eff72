namespace MoqLive.Media;

/// <summary>
/// The input of <c>moqlive publish --media</c> is not media MoqLive can publish: the base of
/// <see cref="Mp4.Mp4FormatException"/> (fragmented MP4) and <see cref="MpegTs.MpegTsFormatException"/> (MPEG-TS), so a
/// caller that reads either kind catches one type. The message says what is wrong, where, and what to change.
/// </summary>
public class MediaFormatException : FormatException
{
    public MediaFormatException(string message)
        : base(message)
    {
    }

    public MediaFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MediaFormatException()
    {
    }
}
