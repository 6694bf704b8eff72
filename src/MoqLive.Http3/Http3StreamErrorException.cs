namespace MoqLive.Http3;

/// <summary>
/// A stream error (RFC 9114 §8): only the request stream it happened on is aborted (RESET_STREAM and/or
/// STOP_SENDING with <see cref="ErrorCode"/>); other requests carry on.
/// </summary>
internal sealed class Http3StreamErrorException : Exception
{
    public Http3StreamErrorException(Http3ErrorCode errorCode, string message, bool fieldSectionTooLarge = false)
        : base(message)
    {
        ErrorCode = errorCode;
        FieldSectionTooLarge = fieldSectionTooLarge;
    }

    /// <summary>The code the stream is aborted with.</summary>
    public Http3ErrorCode ErrorCode { get; }

    /// <summary>
    /// True when the message was refused only because its field section exceeds our
    /// SETTINGS_MAX_FIELD_SECTION_SIZE; a server answers 431 instead of resetting (RFC 9114 §4.2.2).
    /// </summary>
    public bool FieldSectionTooLarge { get; }
}
