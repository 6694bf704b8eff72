namespace MoqLive.Media.MpegTs;

/// <summary>
/// The input is not MPEG-TS (ISO/IEC 13818-1) MoqLive can publish: lost sync, a continuity error, a malformed PSI
/// section or PES, or an unsupported stream type. The message names the PID and the byte offset where it happened.
/// </summary>
public sealed class MpegTsFormatException : MediaFormatException
{
    public MpegTsFormatException(string message)
        : base(message)
    {
    }

    public MpegTsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MpegTsFormatException()
    {
    }
}
