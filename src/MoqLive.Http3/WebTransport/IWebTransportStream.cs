using MoqLive.Transport;

namespace MoqLive.Http3.WebTransport;

/// <summary>A stream that belongs to a WebTransport session; after the session ends its operations fail with the session's close.</summary>
internal interface IWebTransportStream
{
    /// <summary>The owning session, set when the stream is handed out.</summary>
    WebTransportSession? Session { get; set; }
}

/// <summary>Turns failures caused by the session's end into <see cref="TransportSessionClosedException"/>.</summary>
internal static class WebTransportStreamClosing
{
    public static Exception? Translate(IWebTransportStream stream, Exception ex) =>
        ex is InvalidOperationException or TransportStreamAbortedException && stream.Session?.CloseInfo is { } info
            ? new TransportSessionClosedException(info)
            : null;
}
