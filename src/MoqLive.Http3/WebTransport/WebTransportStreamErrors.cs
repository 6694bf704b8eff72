using MoqLive.Transport;

namespace MoqLive.Http3.WebTransport;

/// <summary>Maps stream abort codes from the HTTP/3 space back to WebTransport application codes.</summary>
internal static class WebTransportStreamErrors
{
    public static TransportStreamAbortedException Map(TransportStreamAbortedException ex) =>
        new(WebTransportErrorCodes.FromHttp3OrRaw(ex.ErrorCode), ex.PeerStoppedSending);

    public static async Task MapAsync(Task closed)
    {
        try
        {
            await closed.ConfigureAwait(false);
        }
        catch (TransportStreamAbortedException ex)
        {
            throw Map(ex);
        }
    }
}
