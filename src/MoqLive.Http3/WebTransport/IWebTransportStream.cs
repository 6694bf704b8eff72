namespace MoqLive.Http3.WebTransport;

/// <summary>A stream that belongs to a WebTransport session; after the session ends its operations fail with the session's close.</summary>
internal interface IWebTransportStream
{
    /// <summary>The owning session, set when the stream is handed out.</summary>
    WebTransportSession? Session { get; set; }

    /// <summary>True once the session's end aborted the stream.</summary>
    bool AbortedBySession { get; set; }
}
