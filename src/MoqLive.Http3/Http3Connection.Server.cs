using MoqLive.Http3.Internal;
using MoqLive.Transport;

namespace MoqLive.Http3;

// Server side: request streams (RFC 9114 §4.1, §6.1).
public sealed partial class Http3Connection
{
    private long _highestRequestStreamId = -4;
    private int _activeRequests;

    private bool ExtendedConnectEnabled =>
        _options.AdditionalSettings.TryGetValue(Http3SettingId.EnableConnectProtocol, out ulong value) && value == 1;

    private async Task AcceptRequestStreamsAsync()
    {
        CancellationToken cancellationToken = _cts.Token;
        try
        {
            while (true)
            {
                ITransportStream stream = await _session.AcceptBidirectionalStreamAsync(cancellationToken).ConfigureAwait(false);
                bool rejected;
                lock (_lock)
                {
                    // §5.2: requests on streams at or after the GOAWAY ID were not and will not be processed.
                    rejected = _goAwaySentId is { } goAway && (ulong)stream.Id >= goAway;
                    if (!rejected)
                    {
                        _highestRequestStreamId = Math.Max(_highestRequestStreamId, stream.Id);
                        _activeRequests++;
                        DisarmIdleCloseLocked();
                    }
                }

                if (rejected)
                {
                    Log.RequestRejectedAfterGoAway(_logger, stream.Id);
                    stream.Stop((ulong)Http3ErrorCode.RequestRejected);
                    stream.Reset((ulong)Http3ErrorCode.RequestRejected);
                    continue;
                }

                // Started inline so streams are dispatched in accept order (see AcceptUnidirectionalStreamsAsync).
                Task task = HandleIncomingBidirectionalStreamAsync(stream, cancellationToken);
                TrackTask(task);
            }
        }
        catch (Exception ex) when (ex is TransportSessionClosedException or OperationCanceledException)
        {
            // The session ended: nothing more to accept.
        }
    }

    private async Task HandleIncomingBidirectionalStreamAsync(ITransportStream stream, CancellationToken cancellationToken)
    {
        var frames = new FrameStreamReader(stream);
        bool webTransport = false;
        try
        {
            webTransport = await TryHandleWebTransportBidirectionalAsync(stream, frames, cancellationToken).ConfigureAwait(false);
        }
        catch (Http3ConnectionErrorException ex)
        {
            webTransport = true;
            await AbortAsync(ex).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TransportStreamAbortedException or TransportSessionClosedException or OperationCanceledException)
        {
            webTransport = true; // reset before its first bytes, or the connection is ending
        }

        if (webTransport)
        {
            lock (_lock)
                OnRequestEndedLocked();
            return;
        }

        await HandleRequestStreamAsync(stream, frames, cancellationToken).ConfigureAwait(false);
    }

    private async Task HandleRequestStreamAsync(ITransportStream stream, FrameStreamReader frames, CancellationToken cancellationToken)
    {
        var reader = new Http3MessageReader(frames, _decoder, _options.MaxFieldSectionSize, isServer: true);
        var response = new Http3ServerResponse(new Http3MessageWriter(stream));
        try
        {
            List<HeaderField> fields = await reader.ReadHeadersAsync(cancellationToken).ConfigureAwait(false);
            RequestHead head = Http3HeaderValidator.ValidateRequest(fields, ExtendedConnectEnabled);
            reader.ExpectContentLength(head.ContentLength);
            var request = new Http3ServerRequest(this, stream.Id, head, reader);
            Log.RequestReceived(_logger, stream.Id, head.Method, head.Path);

            bool handled = request.IsWebTransport && WebTransportEnabled
                && await RefuseWebTransportWithoutClientSettingsAsync(response, cancellationToken).ConfigureAwait(false)
                || await InvokeHandlerAsync(stream, request, response, cancellationToken).ConfigureAwait(false);

            // draft-02 §5: a WebTransport session ends with its CONNECT stream; close it properly first.
            WebTransport.WebTransportSession? session;
            lock (_lock)
                _webTransportSessions.TryGetValue(stream.Id, out session);
            if (session is not null)
                await session.CloseAsync(0, string.Empty, cancellationToken).ConfigureAwait(false);

            // A CONNECT stream aborted for malformed capsules (RFC 9297 §3.3) has nothing left to complete.
            if (!handled || session?.ConnectStreamAborted == true)
                return;

            await response.CompleteAsync(cancellationToken: cancellationToken).ConfigureAwait(false);

            // RFC 9114 §4.1.2: once the response is complete, a server may stop reading an unread request body
            // with H3_NO_ERROR (this also returns the stream credit at once).
            if (!reader.IsComplete)
                stream.Stop((ulong)Http3ErrorCode.NoError);

            // A request counts as in flight until its response was delivered, so a graceful shutdown
            // (§5.2) does not close the connection under data the client has not received yet.
            await stream.WritesClosed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Http3StreamErrorException ex)
        {
            Log.StreamError(_logger, stream.Id, ex.ErrorCode, ex.Message);
            if (ex.FieldSectionTooLarge && !response.HasStarted)
            {
                // RFC 9114 §4.2.2: a server may answer 431 to a header section it is unwilling to handle.
                response.StatusCode = 431;
                stream.Stop((ulong)Http3ErrorCode.NoError);
                await response.CompleteAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                stream.Stop((ulong)ex.ErrorCode);
                stream.Reset((ulong)ex.ErrorCode);
            }
        }
        catch (Http3ConnectionErrorException ex)
        {
            await AbortAsync(ex).ConfigureAwait(false);
        }
        catch (TransportStreamAbortedException ex)
        {
            // The client cancelled (reset the request or stopped reading the response): abandon both halves.
            Log.StreamAbortedByPeer(_logger, stream.Id, ex.ErrorCode);
            stream.Stop((ulong)Http3ErrorCode.RequestCancelled);
            stream.Reset((ulong)Http3ErrorCode.RequestCancelled);
        }
        catch (Exception ex) when (ex is TransportSessionClosedException or OperationCanceledException)
        {
            // The connection is ending.
        }
        finally
        {
            // Both halves are finished, reset or stopped by now, so this only releases the stream.
            await stream.DisposeAsync().ConfigureAwait(false);
            lock (_lock)
                OnRequestEndedLocked();
        }
    }

    private void OnRequestEndedLocked()
    {
        _activeRequests--;
        if (_activeRequests == 0)
            _goAwayDrained?.TrySetResult();
        ArmIdleCloseLocked();
    }

    // draft-07 §3.1: the server must not process a WebTransport request before the client's SETTINGS arrived, and
    // both sides must have sent the WebTransport setting (draft-02 §3.1: ENABLE_WEBTRANSPORT; draft-07 §3.1:
    // WEBTRANSPORT_MAX_SESSIONS > 0) and SETTINGS_H3_DATAGRAM = 1 (draft-07 §3.1, RFC 9297 §2.1.1). The drafts name
    // no error code for a client that did not, so the request is refused with 400 and the connection stays up.
    // Returns true when it answered the request.
    private async ValueTask<bool> RefuseWebTransportWithoutClientSettingsAsync(Http3ServerResponse response, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<ulong, ulong> settings;
        try
        {
            settings = await PeerSettings.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Http3Exception)
        {
            return true; // the connection ended before the client's SETTINGS: nobody is left to answer
        }

        if (WebTransport.WebTransportSettings.SupportsWebTransport(settings) && WebTransport.WebTransportSettings.SupportsDatagrams(settings))
            return false;

        response.StatusCode = 400;
        return true;
    }

    // Runs the application's handler; returns false when the stream was already dealt with after a failure.
    private async ValueTask<bool> InvokeHandlerAsync(ITransportStream stream, Http3ServerRequest request, Http3ServerResponse response, CancellationToken cancellationToken)
    {
        try
        {
            await _handler!(request, response, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not (Http3StreamErrorException or Http3ConnectionErrorException
            or TransportStreamAbortedException or TransportSessionClosedException or OperationCanceledException))
        {
            Log.HandlerFailed(_logger, stream.Id, ex);
            if (response.HasStarted)
            {
                stream.Reset((ulong)Http3ErrorCode.InternalError);
                stream.Stop((ulong)Http3ErrorCode.InternalError);
                return false;
            }

            response.Headers.Clear();
            response.StatusCode = 500;
            return true;
        }
    }
}
