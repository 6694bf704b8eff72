using MoqLive.Http3.Internal;
using MoqLive.Transport;

namespace MoqLive.Http3;

// Client side: sending requests (RFC 9114 §4.1).
public sealed partial class Http3Connection
{
    private int _activeClientRequests;

    /// <summary>
    /// Sends a request on a new request stream and waits for the final response's header section (interim 1xx
    /// responses are skipped). Extended CONNECT (<see cref="Http3ClientRequest.Protocol"/>) first waits for the
    /// server's SETTINGS and requires SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 (RFC 9220 §3). Throws
    /// <see cref="Http3Exception"/> when the request fails at the HTTP/3 layer, including when the server sent
    /// GOAWAY before it (§5.2: the request can be retried on a new connection).
    /// </summary>
    public async ValueTask<Http3ClientResponse> SendRequestAsync(Http3ClientRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (IsServer)
            throw new InvalidOperationException("Only the client side sends requests.");
        if (PeerGoAwayId is not null)
            throw new Http3Exception("The server sent GOAWAY; open a new connection for new requests.", Http3ErrorCode.RequestRejected);

        List<HeaderField> fields = BuildRequestFields(request);
        if (request.Protocol is not null)
        {
            IReadOnlyDictionary<ulong, ulong> settings = await MapErrorsAsync(null, () => new ValueTask<IReadOnlyDictionary<ulong, ulong>>(
                PeerSettings.WaitAsync(cancellationToken))).ConfigureAwait(false);
            if (!settings.TryGetValue(Http3SettingId.EnableConnectProtocol, out ulong enabled) || enabled != 1)
                throw new Http3Exception("The server does not support extended CONNECT (SETTINGS_ENABLE_CONNECT_PROTOCOL).");
        }

        lock (_lock)
            _activeClientRequests++;
        ITransportStream stream;
        try
        {
            stream = await MapErrorsAsync(null, () => _session.OpenBidirectionalStreamAsync(cancellationToken)).ConfigureAwait(false);
        }
        catch
        {
            OnClientRequestFinished();
            throw;
        }

        var writer = new Http3MessageWriter(stream);
        var reader = new Http3MessageReader(new FrameStreamReader(stream), _decoder, _options.MaxFieldSectionSize, isServer: false);

        try
        {
            return await SendOnStreamAsync(request, fields, stream, writer, reader, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            OnClientRequestFinished();
            throw;
        }
    }

    private ValueTask<Http3ClientResponse> SendOnStreamAsync(
        Http3ClientRequest request, List<HeaderField> fields, ITransportStream stream, Http3MessageWriter writer,
        Http3MessageReader reader, CancellationToken cancellationToken) =>
        MapErrorsAsync(stream, async () =>
        {
            bool endAfterHeaders = request.Content.IsEmpty && !request.KeepRequestStreamOpen;
            await writer.WriteHeadersAsync(fields, endAfterHeaders, cancellationToken).ConfigureAwait(false);
            if (!request.Content.IsEmpty)
                await writer.WriteDataAsync(request.Content, !request.KeepRequestStreamOpen, cancellationToken).ConfigureAwait(false);

            while (true)
            {
                List<HeaderField> responseFields = await reader.ReadHeadersAsync(cancellationToken).ConfigureAwait(false);
                (int status, List<HeaderField> headers, long? contentLength) = Http3HeaderValidator.ValidateResponse(responseFields);

                // RFC 9114 §4.1: interim (1xx) responses precede the final one; 101 is not allowed in HTTP/3.
                if (status == 101)
                    throw new Http3StreamErrorException(Http3ErrorCode.MessageError, "101 (Switching Protocols) is not used in HTTP/3.");
                if (status < 200)
                    continue;

                // RFC 9110 §8.6: HEAD responses and 204/304 carry no content whatever content-length says.
                bool noContent = request.Method == "HEAD" || status is 204 or 304;
                reader.ExpectContentLength(noContent ? 0 : contentLength);
                return new Http3ClientResponse(stream, status, headers, reader, writer,
                    (buffer, ct) => MapErrorsAsync(stream, () => reader.ReadBodyAsync(buffer, ct)), OnClientRequestFinished);
            }
        });

    private void OnClientRequestFinished()
    {
        lock (_lock)
            _activeClientRequests--;
        CloseIfIdleAfterGoAway();
    }

    private static List<HeaderField> BuildRequestFields(Http3ClientRequest request)
    {
        ArgumentException.ThrowIfNullOrEmpty(request.Method);
        var fields = new List<HeaderField>(request.Headers.Count + 5) { new(":method", request.Method) };
        bool plainConnect = request.Method == "CONNECT" && request.Protocol is null;
        if (request.Protocol is not null)
            fields.Add(new(":protocol", request.Protocol));
        if (!plainConnect)
            fields.Add(new(":scheme", request.Scheme));
        fields.Add(new(":authority", request.Authority));
        if (!plainConnect)
            fields.Add(new(":path", request.Path));

        foreach (HeaderField field in request.Headers)
        {
            // RFC 9114 §4.2: field names are lowercase on the wire; pseudo-headers are ours to set.
            if (field.Name.Length == 0 || field.Name.StartsWith(':') || field.Name.Any(char.IsAsciiLetterUpper))
                throw new ArgumentException($"Header name \"{field.Name}\" must be non-empty, lowercase and not a pseudo-header.", nameof(request));
            fields.Add(field);
        }

        return fields;
    }

    /// <summary>
    /// Runs a client operation and turns protocol and transport failures into <see cref="Http3Exception"/>: a
    /// stream error resets the request stream, a connection error closes the connection.
    /// </summary>
    private async ValueTask<T> MapErrorsAsync<T>(ITransportStream? stream, Func<ValueTask<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Http3StreamErrorException ex)
        {
            Log.StreamError(_logger, stream?.Id ?? -1, ex.ErrorCode, ex.Message);
            stream?.Stop((ulong)ex.ErrorCode);
            stream?.Reset((ulong)ex.ErrorCode);
            throw new Http3Exception(ex.Message, ex.ErrorCode, ex);
        }
        catch (Http3ConnectionErrorException ex)
        {
            await AbortAsync(ex).ConfigureAwait(false);
            throw new Http3Exception(ex.Message, ex.ErrorCode, ex);
        }
        catch (TransportStreamAbortedException ex)
        {
            stream?.Stop((ulong)Http3ErrorCode.RequestCancelled);
            stream?.Reset((ulong)Http3ErrorCode.RequestCancelled);
            throw new Http3Exception($"The server aborted the request: {ex.Message}", (Http3ErrorCode)ex.ErrorCode, ex);
        }
        catch (TransportSessionClosedException ex)
        {
            throw new Http3Exception($"The connection closed: {ex.Message}", ToErrorCode(ex.CloseInfo.ErrorCode), ex);
        }
    }
}
