namespace MoqLive.Media.Mp4;

/// <summary>
/// The input is not fragmented MP4 (ISO/IEC 14496-12) MoqLive can publish: a malformed or oversized box, a missing
/// box, or an unsupported codec. The message names the box path (e.g. <c>moof/traf/trun</c>) and what to change.
/// </summary>
public sealed class Mp4FormatException : MediaFormatException
{
    public Mp4FormatException(string message)
        : base(message)
    {
    }

    public Mp4FormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public Mp4FormatException()
    {
    }
}
