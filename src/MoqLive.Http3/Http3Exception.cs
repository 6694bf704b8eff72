namespace MoqLive.Http3;

/// <summary>
/// A request or connection failed at the HTTP/3 layer: the peer reset the request stream, closed the
/// connection, or sent something malformed. <see cref="ErrorCode"/> is the HTTP/3 code when one is known.
/// </summary>
public sealed class Http3Exception : IOException
{
    public Http3Exception(string message, Http3ErrorCode? errorCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
    }

    /// <summary>The HTTP/3 error code (RFC 9114 §8.1) involved, or null when the failure had none.</summary>
    public Http3ErrorCode? ErrorCode { get; }
}
