using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session.Internal;
using W = MoqLive.Moqt.Wire;

namespace MoqLive.Moqt.Session;

public sealed partial class MoqtSession
{
    /// <inheritdoc />
    public async ValueTask<TrackStatusResult> TrackStatusAsync(FullTrackName track, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(track);
        var request = new W.TrackStatus(NextRequestId(), track.Namespace.ToWire(), track.Name);
        RequestStream stream = await OpenRequestAsync(request, cancellationToken).ConfigureAwait(false);
        await FinishQuietlyAsync(stream).ConfigureAwait(false);
        W.MoqtControlMessage? response = await ReadResponseAsync(stream, cancellationToken).ConfigureAwait(false);
        return response switch
        {
            W.RequestOk ok => TrackStatusResult.Ok(new TrackStatusOk(ok.TrackProperties.ToTrackInfo(track), ok.Parameters.LargestObject)),
            W.RequestError error => TrackStatusResult.Error(error.ErrorCode, error.ErrorReason, WireMapping.ToRetryInterval(error.RetryInterval)),
            null => TrackStatusResult.Error(RequestErrorCode.InternalError, "the publisher closed the request stream"),
            _ => throw await UnexpectedAsync(response, "TRACK_STATUS").ConfigureAwait(false),
        };
    }

    private async Task ServeTrackStatusAsync(RequestStream stream, W.TrackStatus status)
    {
        FullTrackName name = FullTrackName.Create(status.TrackNamespace.ToModel(), status.TrackName.Span);
        IPublisher? handler = ResolvePublisher(name.Namespace);
        if (handler is null)
        {
            await RejectAsync(stream, RequestErrorCode.NotSupported, "this endpoint does not publish").ConfigureAwait(false);
            return;
        }

        TrackStatusResult result = await AskHandlerAsync("TRACK_STATUS", () => handler.TrackStatusAsync(name, SessionToken),
            () => TrackStatusResult.Error(RequestErrorCode.InternalError, "the publisher failed")).ConfigureAwait(false);

        if (!result.IsOk)
        {
            await RejectAsync(stream, result).ConfigureAwait(false);
            return;
        }

        TrackStatusOk ok = result.Value!;
        await stream.WriteAsync(new W.RequestOk
        {
            Parameters = new W.MessageParameters { LargestObject = ok.LargestLocation },
            TrackProperties = ok.Track.ToTrackProperties(),
        }, fin: true).ConfigureAwait(false);
    }
}
