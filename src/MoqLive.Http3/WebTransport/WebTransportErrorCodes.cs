namespace MoqLive.Http3.WebTransport;

/// <summary>
/// WebTransport error codes in the HTTP/3 space and the mapping of 32-bit application codes into it
/// (draft-ietf-webtrans-http3-07 §4.3; draft-02 §4.4 uses the first 256 of the same range).
/// </summary>
public static class WebTransportErrorCodes
{
    /// <summary>H3_WEBTRANSPORT_BUFFERED_STREAM_REJECTED (draft-02 §9.5): too many streams waiting for their session.</summary>
    public const ulong BufferedStreamRejected = 0x3994bd84;

    /// <summary>WEBTRANSPORT_SESSION_GONE (draft-07 §9.5): the stream's session is gone.</summary>
    public const ulong SessionGone = 0x170d7b68;

    /// <summary>HTTP/3 code of application error 0.</summary>
    public const ulong FirstApplicationCode = 0x52e4a40fa8db;

    /// <summary>HTTP/3 code of application error 0xffffffff.</summary>
    public const ulong LastApplicationCode = 0x52e5ac983162;

    /// <summary>Maps an application error code (0..2^32-1) to its HTTP/3 code, skipping GREASE code points.</summary>
    public static ulong ToHttp3(ulong applicationCode)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(applicationCode, uint.MaxValue);
        return FirstApplicationCode + applicationCode + (applicationCode / 0x1e);
    }

    /// <summary>Maps an HTTP/3 code back to the application code; false when it is outside the range or a GREASE code point.</summary>
    public static bool TryFromHttp3(ulong http3Code, out ulong applicationCode)
    {
        applicationCode = 0;
        if (http3Code is < FirstApplicationCode or > LastApplicationCode || (http3Code - 0x21) % 0x1f == 0)
            return false;

        ulong shifted = http3Code - FirstApplicationCode;
        applicationCode = shifted - (shifted / 0x1f);
        return true;
    }

    /// <summary>The application code for an HTTP/3 code, or the HTTP/3 code itself when it is not an application code.</summary>
    internal static ulong FromHttp3OrRaw(ulong http3Code) => TryFromHttp3(http3Code, out ulong code) ? code : http3Code;
}
