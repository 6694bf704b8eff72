using MoqLive.Transport;

namespace MoqLive.Http3.WebTransport;

/// <summary>Turns failures caused by the session's end into <see cref="TransportSessionClosedException"/>.</summary>
internal static class WebTransportStreamClosing
{
    public static Exception? Translate(IWebTransportStream stream, Exception ex) =>
        ex is InvalidOperationException or TransportStreamAbortedException && Closed(stream) is { } closed ? closed : null;

    /// <summary>
    /// When the peer aborted the stream with WEBTRANSPORT_SESSION_GONE, its CLOSE_WEBTRANSPORT_SESSION may still be
    /// on its way on the CONNECT stream: wait for the session's end and report that instead of the stream abort.
    /// </summary>
    public static async Task<Exception?> TranslatePeerSessionGoneAsync(IWebTransportStream stream, Exception ex, CancellationToken cancellationToken)
    {
        if (ex is not TransportStreamAbortedException { ErrorCode: WebTransportErrorCodes.SessionGone } || stream.Session is not { } session)
            return null;

        TransportCloseInfo info = await session.Closed.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new TransportSessionClosedException(info);
    }

    /// <summary>The exception to fail with when the session's end aborted <paramref name="stream"/>, else null.</summary>
    public static TransportSessionClosedException? Closed(IWebTransportStream stream) =>
        stream.AbortedBySession && stream.Session?.CloseInfo is { } info ? new TransportSessionClosedException(info) : null;
}
