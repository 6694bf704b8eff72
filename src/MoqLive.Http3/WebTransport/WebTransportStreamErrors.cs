using MoqLive.Transport;

namespace MoqLive.Http3.WebTransport;

/// <summary>Maps stream abort codes from the HTTP/3 space back to WebTransport application codes.</summary>
internal static class WebTransportStreamErrors
{
    public static TransportStreamAbortedException Map(TransportStreamAbortedException ex) =>
        new(WebTransportErrorCodes.FromHttp3OrRaw(ex.ErrorCode), ex.PeerStoppedSending);

    /// <summary>Maps a WritesClosed/ReadsClosed task: abort codes to application codes, the session's end to its close.</summary>
    public static async Task MapAsync(Task closed, IWebTransportStream stream)
    {
        try
        {
            await closed.ConfigureAwait(false);
        }
        catch (Exception ex) when (WebTransportStreamClosing.Translate(stream, ex) is { } sessionClosed)
        {
            throw sessionClosed;
        }
        catch (TransportStreamAbortedException ex)
        {
            throw await WebTransportStreamClosing.TranslatePeerSessionGoneAsync(stream, ex, CancellationToken.None).ConfigureAwait(false) ?? Map(ex);
        }

        if (WebTransportStreamClosing.Closed(stream) is { } aborted)
            throw aborted;
    }
}
