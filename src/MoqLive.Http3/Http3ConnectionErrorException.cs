namespace MoqLive.Http3;

/// <summary>
/// A connection error (RFC 9114 §8): thrown where the violation is detected and caught once at the connection
/// boundary, which closes the whole connection with <see cref="ErrorCode"/>.
/// </summary>
internal sealed class Http3ConnectionErrorException : Exception
{
    public Http3ConnectionErrorException(Http3ErrorCode errorCode, string message)
        : base(message)
    {
        ErrorCode = errorCode;
    }

    /// <summary>The code the connection is closed with.</summary>
    public Http3ErrorCode ErrorCode { get; }
}
