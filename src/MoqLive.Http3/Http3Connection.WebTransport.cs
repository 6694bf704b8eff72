using System.Globalization;
using MoqLive.Http3.Frames;
using MoqLive.Http3.Internal;
using MoqLive.Http3.WebTransport;
using MoqLive.Transport;
using MoqLive.Transport.Encoding;

namespace MoqLive.Http3;

// WebTransport over HTTP/3 (draft-ietf-webtrans-http3-02 as Chromium speaks it, NOTES.md §2): session registry,
// stream and datagram demultiplexing, extended CONNECT on both sides.
public sealed partial class Http3Connection
{
    // draft-02 §4.5: streams that arrive before their session are buffered, but only so many.
    private const int MaxBufferedWebTransportStreams = 16;

    private readonly Dictionary<long, WebTransportSession> _webTransportSessions = [];
    private readonly Dictionary<long, List<object>> _bufferedWebTransportStreams = [];
    // Sessions of this connection that have ended, so late streams for them get WEBTRANSPORT_SESSION_GONE instead of
    // being buffered as if their session were still to come (one entry per session the connection ever had).
    private readonly HashSet<long> _closedWebTransportSessions = [];
    private int _bufferedWebTransportStreamCount;

    /// <summary>Streams waiting for their session to be established (for tests).</summary>
    internal int BufferedWebTransportStreamCount
    {
        get
        {
            lock (_lock)
                return _bufferedWebTransportStreamCount;
        }
    }

    /// <summary>True when our SETTINGS offer WebTransport (<see cref="WebTransportSettings"/>).</summary>
    public bool WebTransportEnabled => WebTransportSettings.SupportsWebTransport(_options.AdditionalSettings);

    private bool DatagramsEnabled =>
        _options.AdditionalSettings.TryGetValue(Http3SettingId.H3Datagram, out ulong value) && value == 1;

    /// <summary>
    /// Client: opens a WebTransport session with an extended CONNECT to <paramref name="path"/> (draft-02 §3.2),
    /// offering <paramref name="protocols"/> in <c>wt-available-protocols</c>. Throws <see cref="Http3Exception"/>
    /// when the server does not support WebTransport or answers with a non-2xx status.
    /// </summary>
    public async ValueTask<WebTransportSession> ConnectWebTransportAsync(
        string authority,
        string path,
        IReadOnlyList<string>? protocols = null,
        string? origin = null,
        CancellationToken cancellationToken = default)
    {
        if (!WebTransportEnabled)
            throw new InvalidOperationException("WebTransport is not enabled in this connection's SETTINGS (use WebTransportSettings.Client()).");

        IReadOnlyDictionary<ulong, ulong> settings = await MapErrorsAsync(null, () =>
            new ValueTask<IReadOnlyDictionary<ulong, ulong>>(PeerSettings.WaitAsync(cancellationToken))).ConfigureAwait(false);
        // draft-02 §3.1 / draft-07 §3.1: the server's WebTransport setting, and (draft-07 §3.1, RFC 9297 §2.1.1)
        // SETTINGS_H3_DATAGRAM = 1; SendRequestAsync checks SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 9220 §3).
        if (!WebTransportSettings.SupportsWebTransport(settings))
            throw new Http3Exception("The server does not support WebTransport (no ENABLE_WEBTRANSPORT / WEBTRANSPORT_MAX_SESSIONS).");
        if (!WebTransportSettings.SupportsDatagrams(settings))
            throw new Http3Exception("The server does not support HTTP/3 datagrams (no SETTINGS_H3_DATAGRAM), which WebTransport requires.");

        var headers = new List<HeaderField> { new("sec-webtransport-http3-draft02", "1") };
        if (origin is not null)
            headers.Add(new("origin", origin));
        if (protocols is { Count: > 0 })
            headers.Add(new("wt-available-protocols", StructuredFieldStrings.FormatList(protocols)));

        Http3ClientResponse response = await SendRequestAsync(new Http3ClientRequest
        {
            Method = "CONNECT",
            Protocol = "webtransport",
            Authority = authority,
            Path = path,
            Headers = headers,
            KeepRequestStreamOpen = true,
        }, cancellationToken).ConfigureAwait(false);

        if (response.StatusCode is < 200 or > 299)
        {
            await response.DisposeAsync().ConfigureAwait(false);
            throw new Http3Exception(string.Create(CultureInfo.InvariantCulture, $"The server refused the WebTransport session with status {response.StatusCode}."));
        }

        string? protocol = response.GetHeader("wt-protocol") is { } value ? StructuredFieldStrings.ParseString(value) : null;
        if (protocol is not null && protocols?.Contains(protocol) != true)
            protocol = null; // NOTES.md §2: a protocol that was not offered is ignored, as Chrome does.

        var session = new WebTransportSession(this, response.StreamId, response.Reader, response.RequestWriter, protocol);
        RegisterWebTransportSession(session);
        _ = Task.Run(session.RunAsync, CancellationToken.None);
        return session;
    }

    /// <summary>
    /// Server: accepts the WebTransport session <paramref name="request"/> asks for (an extended CONNECT with
    /// <c>:protocol webtransport</c>): answers 200, with <c>wt-protocol</c> set to <paramref name="protocol"/> when
    /// given, and returns the session. The handler should return only when the session is over, since completing
    /// the response ends the CONNECT stream and with it the session.
    /// </summary>
    internal async ValueTask<WebTransportSession> AcceptWebTransportAsync(
        Http3ServerRequest request, Http3ServerResponse response, string? protocol, CancellationToken cancellationToken)
    {
        if (request.Protocol != "webtransport")
            throw new InvalidOperationException("The request is not a WebTransport extended CONNECT.");
        if (!WebTransportEnabled)
            throw new InvalidOperationException("WebTransport is not enabled in this connection's SETTINGS (use WebTransportSettings.Server()).");

        response.StatusCode = 200;
        response.Headers.Add(new("sec-webtransport-http3-draft", "draft02"));
        if (protocol is not null)
            response.Headers.Add(new("wt-protocol", StructuredFieldStrings.FormatString(protocol)));

        var session = new WebTransportSession(this, request.StreamId, request.Reader, response.Writer, protocol);
        RegisterWebTransportSession(session);
        _ = Task.Run(session.RunAsync, CancellationToken.None);
        await response.StartAsync(cancellationToken).ConfigureAwait(false);
        return session;
    }

    internal void UnregisterWebTransportSession(WebTransportSession session)
    {
        lock (_lock)
        {
            _webTransportSessions.Remove(session.SessionId);
            _closedWebTransportSessions.Add(session.SessionId);
            ArmIdleCloseLocked();
        }
    }

    internal void OnWebTransportDatagramDropped(long sessionId, long dropped) => Log.WebTransportDatagramDropped(_logger, sessionId, dropped);

    internal void OnWebTransportCapsuleError(long sessionId, Http3StreamErrorException error) =>
        Log.WebTransportCapsuleError(_logger, sessionId, error.ErrorCode, error.Message);

    private void RegisterWebTransportSession(WebTransportSession session)
    {
        List<object>? buffered;
        lock (_lock)
        {
            _webTransportSessions[session.SessionId] = session;
            if (_bufferedWebTransportStreams.Remove(session.SessionId, out buffered))
                _bufferedWebTransportStreamCount -= buffered.Count;
        }

        foreach (object stream in buffered ?? [])
            DeliverToSession(session, stream);
    }

    // Hands a WebTransport stream to its session, buffering it while the session is not known yet.
    private void RouteWebTransportStream(long sessionId, object stream)
    {
        // draft-02 §4.1/§4.2: the session ID is the CONNECT stream, a client-initiated bidirectional stream.
        if (sessionId % 4 != 0)
            throw new Http3ConnectionErrorException(Http3ErrorCode.IdError, $"WebTransport session ID {sessionId} is not a client-initiated bidirectional stream.");

        WebTransportSession? session;
        bool rejected = false;
        bool gone = false;
        lock (_lock)
        {
            if (_closedWebTransportSessions.Contains(sessionId))
            {
                // draft-07 §6: a terminated session's streams are closed with WEBTRANSPORT_SESSION_GONE.
                gone = true;
                session = null;
            }
            else if (!_webTransportSessions.TryGetValue(sessionId, out session))
            {
                if (_bufferedWebTransportStreamCount < MaxBufferedWebTransportStreams)
                {
                    if (!_bufferedWebTransportStreams.TryGetValue(sessionId, out List<object>? list))
                        _bufferedWebTransportStreams[sessionId] = list = [];
                    list.Add(stream);
                    _bufferedWebTransportStreamCount++;
                }
                else
                {
                    rejected = true;
                }
            }
        }

        if (gone)
            Abort(stream, WebTransportErrorCodes.SessionGone);
        else if (rejected)
            Abort(stream, WebTransportErrorCodes.BufferedStreamRejected);
        else if (session is not null)
            DeliverToSession(session, stream);
    }

    private static void DeliverToSession(WebTransportSession session, object stream)
    {
        bool accepted = stream switch
        {
            WebTransportBidirectionalStream bidi => session.TryEnqueue(bidi),
            WebTransportReceiveStream uni => session.TryEnqueue(uni),
            _ => false,
        };
        if (!accepted)
            Abort(stream, session.Closed.IsCompleted ? WebTransportErrorCodes.SessionGone : WebTransportErrorCodes.BufferedStreamRejected);
    }

    private static void Abort(object stream, ulong code)
    {
        switch (stream)
        {
            case WebTransportBidirectionalStream bidi: bidi.AbortRaw(code); break;
            case WebTransportReceiveStream uni: uni.StopRaw(code); break;
        }
    }

    // Unidirectional stream type 0x54 (draft-02 §4.1): the session ID follows.
    private async ValueTask<bool> TryHandleExtensionStreamAsync(ulong type, FrameStreamReader reader, CancellationToken cancellationToken)
    {
        if (type != (ulong)Http3StreamType.WebTransport || !WebTransportEnabled)
            return false;

        if (await reader.ReadVarIntAsync(cancellationToken).ConfigureAwait(false) is not { } sessionId)
            return true; // ended before its header: nothing to deliver

        RouteWebTransportStream((long)sessionId, new WebTransportReceiveStream(reader));
        return true;
    }

    // A bidirectional stream that starts with WEBTRANSPORT_STREAM (0x41) and the session ID (draft-02 §4.2).
    // Returns false when the stream is an ordinary request stream.
    private async ValueTask<bool> TryHandleWebTransportBidirectionalAsync(ITransportStream stream, FrameStreamReader reader, CancellationToken cancellationToken)
    {
        if (!WebTransportEnabled || await PeekVarIntAsync(reader, cancellationToken).ConfigureAwait(false) != (ulong)Http3FrameType.WebTransportStream)
            return false;

        await reader.ReadVarIntAsync(cancellationToken).ConfigureAwait(false);
        if (await reader.ReadVarIntAsync(cancellationToken).ConfigureAwait(false) is not { } sessionId)
        {
            stream.Reset((ulong)Http3ErrorCode.RequestIncomplete);
            return true;
        }

        RouteWebTransportStream((long)sessionId, new WebTransportBidirectionalStream(stream, reader));
        return true;
    }

    private static async ValueTask<ulong?> PeekVarIntAsync(FrameStreamReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var sequenceReader = new System.Buffers.SequenceReader<byte>(reader.Buffered);
            if (QuicVarInt.TryRead(ref sequenceReader, out ulong value))
                return value;
            if (!await reader.FillAsync(8, cancellationToken).ConfigureAwait(false))
                return null;
        }
    }

    // Client: server-initiated bidirectional streams exist only for WebTransport (RFC 9114 §6.1).
    private async Task AcceptServerBidirectionalStreamsAsync()
    {
        CancellationToken cancellationToken = _cts.Token;
        try
        {
            while (true)
            {
                ITransportStream stream = await _session.AcceptBidirectionalStreamAsync(cancellationToken).ConfigureAwait(false);
                Task task = HandleServerBidirectionalStreamAsync(stream, cancellationToken);
                TrackTask(task);
            }
        }
        catch (Exception ex) when (ex is TransportSessionClosedException or OperationCanceledException)
        {
            // The session ended.
        }
    }

    private async Task HandleServerBidirectionalStreamAsync(ITransportStream stream, CancellationToken cancellationToken)
    {
        try
        {
            var reader = new FrameStreamReader(stream);
            if (!await TryHandleWebTransportBidirectionalAsync(stream, reader, cancellationToken).ConfigureAwait(false))
                throw new Http3ConnectionErrorException(Http3ErrorCode.StreamCreationError, "A server-initiated bidirectional stream that is not WebTransport (§6.1).");
        }
        catch (Http3ConnectionErrorException ex)
        {
            await AbortAsync(ex).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TransportStreamAbortedException or TransportSessionClosedException or OperationCanceledException)
        {
            // Reset before its header, or the connection is ending.
        }
    }

    private const ulong MaxQuarterStreamId = (1UL << 60) - 1;

    // RFC 9297 §2.1: each HTTP/3 datagram starts with the quarter stream ID of its request stream.
    private async Task ReceiveDatagramsAsync()
    {
        CancellationToken cancellationToken = _cts.Token;
        try
        {
            while (true)
            {
                ReadOnlyMemory<byte> datagram = await _session.ReceiveDatagramAsync(cancellationToken).ConfigureAwait(false);
                if (!QuicVarInt.TryRead(datagram.Span, out ulong quarterStreamId, out int consumed))
                {
                    await AbortAsync(new Http3ConnectionErrorException(Http3ErrorCode.DatagramError, "A datagram without a quarter stream ID (RFC 9297 §2.1).")).ConfigureAwait(false);
                    return;
                }

                // RFC 9297 §2.1: a Quarter Stream ID above 2^60-1 names no possible stream.
                if (quarterStreamId > MaxQuarterStreamId)
                {
                    await AbortAsync(new Http3ConnectionErrorException(Http3ErrorCode.DatagramError, $"A datagram with Quarter Stream ID {quarterStreamId}, above 2^60-1 (RFC 9297 §2.1).")).ConfigureAwait(false);
                    return;
                }

                WebTransportSession? session;
                lock (_lock)
                    _webTransportSessions.TryGetValue((long)(quarterStreamId * 4), out session);

                // Datagrams for unknown sessions are dropped (draft-02 §4.5 / draft-07 §4.6 allow dropping what cannot
                // be buffered); so are those of closed sessions (RFC 9297 §2.1: silently dropped).
                session?.EnqueueDatagram(datagram[consumed..]);
            }
        }
        catch (Exception ex) when (ex is TransportSessionClosedException or OperationCanceledException)
        {
            // The session ended.
        }
    }

    private void StartWebTransportLoops()
    {
        lock (_lock)
        {
            if (WebTransportEnabled && !IsServer)
                _loops.Add(Task.Run(AcceptServerBidirectionalStreamsAsync, CancellationToken.None));
            if (DatagramsEnabled)
                _loops.Add(Task.Run(ReceiveDatagramsAsync, CancellationToken.None));
        }
    }

    private void CloseWebTransportSessions(TransportCloseInfo info)
    {
        WebTransportSession[] sessions;
        lock (_lock)
            sessions = [.. _webTransportSessions.Values];
        foreach (WebTransportSession session in sessions)
            session.OnConnectionClosed(info);
    }
}
