using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session.Internal;
using MoqLive.Transport;
using W = MoqLive.Moqt.Wire;

namespace MoqLive.Moqt.Session;

/// <summary>
/// A MOQT session (draft-ietf-moq-transport-19) over an <see cref="ITransportSession"/>. It is symmetric: as an
/// <see cref="IPublisher"/> and <see cref="ISubscriber"/> it sends requests to the peer and returns the peer's
/// answers; the peer's requests go to <see cref="MoqtSessionOptions.Publisher"/> and
/// <see cref="MoqtSessionOptions.Subscriber"/>.
/// </summary>
/// <remarks>
/// <para>Create with <see cref="ConnectAsync"/> (client) or <see cref="AcceptAsync"/> (server): each side opens its
/// unidirectional control stream with SETUP, and the call returns once the peer's SETUP arrived. Every request then
/// runs on its own bidirectional stream; objects travel on subgroup streams, FETCH streams and datagrams.</para>
/// <para>Request failures come back as result values (REQUEST_ERROR). Protocol violations by the peer close the
/// session with the draft's error code; pending and later calls then throw <see cref="MoqtSessionException"/>.</para>
/// </remarks>
public sealed partial class MoqtSession : IPublisher, ISubscriber, IAsyncDisposable
{
    private readonly ITransportSession _transport;
    private readonly MoqtSessionOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _cts = new();
    private readonly SemaphoreSlim _controlLock = new(1, 1);
    private readonly TaskCompletionSource<W.Setup> _peerSetup = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<W.GoAway> _goAway = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<TransportCloseInfo> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<ulong> _peerRequestIds = [];
    private readonly List<Task> _background = [];
    private ITransportSendStream? _controlStream;
    private long _nextRequestId;
    private long _nextTrackAlias;
    private int _closing;
    private int _peerControlStreamSeen;

    private MoqtSession(ITransportSession transport, MoqtSessionOptions options, bool isClient, W.MoqtVersion version)
    {
        _transport = transport;
        _options = options;
        IsClient = isClient;
        Version = version;
        _nextRequestId = isClient ? 0 : 1;
        _logger = options.LoggerFactory?.CreateLogger<MoqtSession>() ?? NullLogger<MoqtSession>.Instance;
    }

    /// <summary>True for the client side (even Request IDs).</summary>
    public bool IsClient { get; }

    /// <summary>The negotiated version.</summary>
    public W.MoqtVersion Version { get; }

    /// <summary>The peer's SETUP (options such as MOQT_IMPLEMENTATION).</summary>
    public W.Setup PeerSetup => _peerSetup.Task.IsCompletedSuccessfully ? _peerSetup.Task.Result : throw new InvalidOperationException("SETUP not received yet.");

    /// <summary>Completes when the peer sends GOAWAY on the control stream.</summary>
    public Task<W.GoAway> GoAwayReceived => _goAway.Task;

    /// <summary>Completes when the session ends, with the code and reason.</summary>
    public Task<TransportCloseInfo> Closed => _closed.Task;

    private CancellationToken SessionToken => _cts.Token;

    /// <summary>Starts a client session: SETUP exchange over <paramref name="transport"/>.</summary>
    public static Task<MoqtSession> ConnectAsync(ITransportSession transport, MoqtSessionOptions? options = null, CancellationToken cancellationToken = default) =>
        StartAsync(transport, options ?? MoqtSessionOptions.Default, isClient: true, cancellationToken);

    /// <summary>Starts a server session: SETUP exchange over an accepted <paramref name="transport"/>.</summary>
    public static Task<MoqtSession> AcceptAsync(ITransportSession transport, MoqtSessionOptions? options = null, CancellationToken cancellationToken = default) =>
        StartAsync(transport, options ?? MoqtSessionOptions.Default, isClient: false, cancellationToken);

    private static async Task<MoqtSession> StartAsync(ITransportSession transport, MoqtSessionOptions options, bool isClient, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        W.MoqtVersion version = options.Version;
        if (transport.Protocol is { } protocol && !W.MoqtVersions.TryParseAlpn(protocol, out version))
        {
            // draft-19: the version is the ALPN / WebTransport protocol; anything else is not ours.
            await transport.CloseAsync((ulong)W.MoqtErrorCode.VersionNegotiationFailed, $"unsupported protocol {protocol}", cancellationToken).ConfigureAwait(false);
            throw new MoqtSessionException(W.MoqtErrorCode.VersionNegotiationFailed, $"The transport negotiated '{protocol}', which is not a MOQT version this library speaks.");
        }

        var session = new MoqtSession(transport, options, isClient, version);
        await session.RunSetupAsync(cancellationToken).ConfigureAwait(false);
        return session;
    }

    private async Task RunSetupAsync(CancellationToken cancellationToken)
    {
        Track(WatchTransportAsync());
        Track(AcceptUnidirectionalLoopAsync());
        Track(AcceptBidirectionalLoopAsync());
        Track(DatagramLoopAsync());
        try
        {
            _controlStream = await _transport.OpenUnidirectionalStreamAsync(cancellationToken).ConfigureAwait(false);
            _controlStream.Priority = new StreamPriority(0, 0);
            var setup = new W.Setup
            {
                Path = IsClient && !_options.IsWebTransport ? _options.Path : null,
                Authority = IsClient && !_options.IsWebTransport ? _options.Authority : null,
                MoqtImplementation = _options.ImplementationName,
            };
            await WriteControlAsync(setup, cancellationToken).ConfigureAwait(false);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.SetupTimeout);
            await _peerSetup.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_closed.Task.IsCompleted)
        {
            await CloseAsync(W.MoqtErrorCode.ControlMessageTimeout, "no SETUP from the peer").ConfigureAwait(false);
            throw new MoqtSessionException(W.MoqtErrorCode.ControlMessageTimeout, "The peer did not send SETUP in time.");
        }
        catch (Exception e) when (e is not MoqtSessionException)
        {
            if (_closed.Task.IsCompleted)
                throw ClosedException(e);
            await CloseAsync(W.MoqtErrorCode.InternalError, "setup failed").ConfigureAwait(false);
            throw;
        }
    }

    private void Track(Task task)
    {
        lock (_background)
        {
            _background.RemoveAll(t => t.IsCompleted);
            _background.Add(task);
        }
    }

    /// <summary>Runs <paramref name="work"/> in the background; a protocol error closes the session with its code.</summary>
    private void Spawn(Func<Task> work) => Track(Task.Run(() => GuardAsync(work)));

    private async Task GuardAsync(Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (W.MoqtProtocolException e)
        {
            Log.ProtocolViolation(_logger, e.Code, e.Reason);
            await CloseAsync(e.Code, e.Reason).ConfigureAwait(false);
        }
        catch (Exception e) when (IsShutdown(e))
        {
            // The session or the stream went away; nothing to report.
        }
        catch (Exception e)
        {
            Log.InternalError(_logger, e);
            await CloseAsync(W.MoqtErrorCode.InternalError, "internal error").ConfigureAwait(false);
        }
    }

    private bool IsShutdown(Exception e) =>
        e is TransportSessionClosedException or TransportStreamAbortedException or MoqtSessionException ||
        (e is OperationCanceledException && (_cts.IsCancellationRequested || _closed.Task.IsCompleted)) ||
        (e is ObjectDisposedException && _closed.Task.IsCompleted);

    private async Task WatchTransportAsync()
    {
        TransportCloseInfo info = await _transport.Closed.ConfigureAwait(false);
        _closed.TrySetResult(info);
        _peerSetup.TrySetException(ClosedException(null));
        _goAway.TrySetCanceled();
        await _cts.CancelAsync().ConfigureAwait(false);
        OnSessionClosed();
    }

    private MoqtSessionException ClosedException(Exception? inner)
    {
        if (_closed.Task.IsCompletedSuccessfully)
        {
            TransportCloseInfo info = _closed.Task.Result;
            return new MoqtSessionException((W.MoqtErrorCode)info.ErrorCode, info.Reason, inner);
        }

        return new MoqtSessionException(W.MoqtErrorCode.InternalError, "session closed", inner);
    }

    /// <summary>Closes the session with <paramref name="code"/> (idempotent).</summary>
    public async ValueTask CloseAsync(W.MoqtErrorCode code = W.MoqtErrorCode.NoError, string reason = "")
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
            return;
        try
        {
            await _transport.CloseAsync((ulong)code, reason).ConfigureAwait(false);
        }
        catch (TransportSessionClosedException)
        {
        }

        await _cts.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>Closes the session with NO_ERROR and waits for background work to stop.</summary>
    public async ValueTask DisposeAsync()
    {
        await CloseAsync(W.MoqtErrorCode.NoError, "").ConfigureAwait(false);
        Task[] tasks;
        lock (_background)
            tasks = [.. _background];
        try
        {
            await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.ShutdownSlow(_logger);
        }
        catch (Exception e) when (IsShutdown(e))
        {
        }

        _cts.Dispose();
    }

    /// <summary>Sends GOAWAY on the control stream (draft-19 §"GOAWAY"); a client always sends an empty URI.</summary>
    public ValueTask GoAwayAsync(string newSessionUri = "", TimeSpan timeout = default, CancellationToken cancellationToken = default) =>
        WriteControlAsync(new W.GoAway(IsClient ? "" : newSessionUri, (ulong)timeout.TotalMilliseconds), cancellationToken);

    private async ValueTask WriteControlAsync(W.MoqtControlMessage message, CancellationToken cancellationToken)
    {
        byte[] bytes = W.ControlMessageCodec.Encode(message, Version);
        await _controlLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _controlStream!.WriteAsync(bytes, false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _controlLock.Release();
        }
    }

    /// <summary>The next Request ID: even from the client, odd from the server (draft-19 §"Request ID").</summary>
    private ulong NextRequestId() => (ulong)(Interlocked.Add(ref _nextRequestId, 2) - 2);

    private ulong NextTrackAlias() => (ulong)(Interlocked.Increment(ref _nextTrackAlias) - 1);

    /// <summary>
    /// Checks a Request ID from the peer: right parity and not seen before, else INVALID_REQUEST_ID. A SUBSCRIBE enters
    /// `Pending (subscriber)` in the same step, so a joining FETCH naming it never misses it (see
    /// <see cref="JoinedSubscriptionAsync"/>); any other request releases a joining FETCH that waited for its ID.
    /// </summary>
    private void AcceptPeerRequestId(ulong requestId, bool isSubscribe = false)
    {
        if (!IsPeerRequestIdParity(requestId))
            throw new W.MoqtProtocolException(W.MoqtErrorCode.InvalidRequestId, $"Request ID {requestId} has the wrong parity for the {(IsClient ? "server" : "client")}");
        lock (_peerRequestIds)
        {
            if (!_peerRequestIds.Add(requestId))
                throw new W.MoqtProtocolException(W.MoqtErrorCode.InvalidRequestId, $"duplicate Request ID {requestId}");
            if (isSubscribe)
                _pendingSubscribes.GetOrAdd(requestId, static _ => NewPendingSubscribe());
            else if (_pendingSubscribes.TryRemove(requestId, out TaskCompletionSource<OutboundSubscription?>? awaited))
                awaited.TrySetResult(null);
        }
    }

    /// <summary>draft-19 §"Request ID": the client's Request IDs are even, the server's odd.</summary>
    private bool IsPeerRequestIdParity(ulong requestId) => (requestId % 2 == 0) == !IsClient;

    private void ThrowIfClosed()
    {
        if (_closed.Task.IsCompleted || Volatile.Read(ref _closing) != 0)
            throw ClosedException(null);
    }

    // ---- Unidirectional streams: the peer's control stream, data streams, padding.

    private async Task AcceptUnidirectionalLoopAsync()
    {
        try
        {
            while (!SessionToken.IsCancellationRequested)
            {
                ITransportReceiveStream stream = await _transport.AcceptUnidirectionalStreamAsync(SessionToken).ConfigureAwait(false);
                Spawn(() => HandleUnidirectionalStreamAsync(stream));
            }
        }
        catch (Exception e) when (IsShutdown(e))
        {
        }
    }

    private async Task HandleUnidirectionalStreamAsync(ITransportReceiveStream stream)
    {
        var buffer = new StreamBuffer(stream);
        ulong type;
        while (true)
        {
            var reader = new SequenceReader<byte>(buffer.Data);
            if (W.Vi64.TryRead(ref reader, out type))
                break;
            if (!await buffer.FillAsync(SessionToken).ConfigureAwait(false))
                return;
        }

        switch (W.MoqtStreamType.Classify(type))
        {
            case W.MoqtStreamKind.Control:
                await RunPeerControlStreamAsync(buffer).ConfigureAwait(false);
                break;
            case W.MoqtStreamKind.Subgroup:
                await _peerSetup.Task.ConfigureAwait(false);
                await ReceiveSubgroupStreamAsync(buffer).ConfigureAwait(false);
                break;
            case W.MoqtStreamKind.Fetch:
                await _peerSetup.Task.ConfigureAwait(false);
                await ReceiveFetchStreamAsync(buffer).ConfigureAwait(false);
                break;
            case W.MoqtStreamKind.Padding:
                // draft-19 §"Padding Streams": discard; stopping frees flow control at once.
                stream.Stop((ulong)StreamResetCode.Cancelled);
                break;
        }
    }

    private async Task RunPeerControlStreamAsync(StreamBuffer buffer)
    {
        if (Interlocked.Exchange(ref _peerControlStreamSeen, 1) != 0)
            throw new W.MoqtProtocolException(W.MoqtErrorCode.ProtocolViolation, "a second control stream");

        W.MoqtControlMessage? first = await buffer.ReadMessageAsync(Version, SessionToken).ConfigureAwait(false);
        if (first is not W.Setup setup)
            throw new W.MoqtProtocolException(W.MoqtErrorCode.ProtocolViolation, "the control stream must start with SETUP");
        ValidatePeerSetup(setup);
        _peerSetup.TrySetResult(setup);
        Log.SetupReceived(_logger, setup.MoqtImplementation ?? "");

        while (true)
        {
            W.MoqtControlMessage? message = await buffer.ReadMessageAsync(Version, SessionToken).ConfigureAwait(false);
            switch (message)
            {
                case null:
                    throw new W.MoqtProtocolException(W.MoqtErrorCode.ProtocolViolation, "the peer closed its control stream");
                case W.GoAway goAway:
                    if (!IsClient && goAway.NewSessionUri.Length != 0)
                        throw new W.MoqtProtocolException(W.MoqtErrorCode.ProtocolViolation, "a client sent GOAWAY with a New Session URI");
                    if (!_goAway.TrySetResult(goAway))
                        throw new W.MoqtProtocolException(W.MoqtErrorCode.ProtocolViolation, "a second GOAWAY on the control stream");
                    break;
                default:
                    throw new W.MoqtProtocolException(W.MoqtErrorCode.ProtocolViolation, $"{message.Type} is not allowed on the control stream");
            }
        }
    }

    /// <summary>draft-19 §"PATH", §"AUTHORITY": only a native-QUIC client sends them; a server may refuse the path.</summary>
    private void ValidatePeerSetup(W.Setup setup)
    {
        if (setup.Path is not null && (IsClient || _options.IsWebTransport))
            throw new W.MoqtProtocolException(W.MoqtErrorCode.InvalidPath, "PATH is only sent by a client over native QUIC");
        if (setup.Authority is not null && (IsClient || _options.IsWebTransport))
            throw new W.MoqtProtocolException(W.MoqtErrorCode.InvalidAuthority, "AUTHORITY is only sent by a client over native QUIC");
        if (!IsClient && _options.AcceptPath is { } accept && !accept(setup.Path, setup.Authority))
            throw new W.MoqtProtocolException(W.MoqtErrorCode.InvalidPath, "this server does not serve the requested path");
    }

    // ---- Bidirectional request streams.

    private async Task AcceptBidirectionalLoopAsync()
    {
        try
        {
            while (!SessionToken.IsCancellationRequested)
            {
                ITransportStream stream = await _transport.AcceptBidirectionalStreamAsync(SessionToken).ConfigureAwait(false);
                Spawn(() => HandleRequestStreamAsync(new RequestStream(stream, Version)));
            }
        }
        catch (Exception e) when (IsShutdown(e))
        {
        }
    }

    private async Task HandleRequestStreamAsync(RequestStream stream)
    {
        W.MoqtControlMessage? first = await stream.ReadAsync(SessionToken).ConfigureAwait(false);
        if (first is null)
            return;
        if (!W.MoqtMessageTypes.IsRequest(first.Type))
            throw new W.MoqtProtocolException(W.MoqtErrorCode.ProtocolViolation, $"a request stream cannot start with {first.Type}");

        // Requests may arrive before the peer's SETUP (draft-19 §"Session initialization"): hold them until it is in.
        await _peerSetup.Task.ConfigureAwait(false);
        switch (first)
        {
            case W.Subscribe subscribe:
                AcceptPeerRequestId(subscribe.RequestId, isSubscribe: true);
                await ServeSubscribeAsync(stream, subscribe).ConfigureAwait(false);
                break;
            case W.Fetch fetch:
                AcceptPeerRequestId(fetch.RequestId);
                await ServeFetchAsync(stream, fetch).ConfigureAwait(false);
                break;
            case W.TrackStatus status:
                AcceptPeerRequestId(status.RequestId);
                await ServeTrackStatusAsync(stream, status).ConfigureAwait(false);
                break;
            case W.PublishNamespace publishNamespace:
                AcceptPeerRequestId(publishNamespace.RequestId);
                await ServePublishNamespaceAsync(stream, publishNamespace).ConfigureAwait(false);
                break;
            case W.SubscribeNamespace subscribeNamespace:
                AcceptPeerRequestId(subscribeNamespace.RequestId);
                await ServeSubscribeNamespaceAsync(stream, subscribeNamespace).ConfigureAwait(false);
                break;
            case W.Publish publish:
                AcceptPeerRequestId(publish.RequestId);
                await ServePublishAsync(stream, publish).ConfigureAwait(false);
                break;
            case W.SubscribeTracks subscribeTracks:
                AcceptPeerRequestId(subscribeTracks.RequestId);
                await RejectAsync(stream, RequestErrorCode.NotSupported, "SUBSCRIBE_TRACKS is not supported").ConfigureAwait(false);
                break;
        }
    }

    /// <summary>REQUEST_ERROR and FIN (draft-19 §"Request Cancellation and Rejection").</summary>
    private static async Task RejectAsync(RequestStream stream, RequestErrorCode code, string reason, TimeSpan? retry = null)
    {
        await stream.WriteAsync(new W.RequestError(code, WireMapping.ToWireRetry(retry), Truncate(reason)), fin: true).ConfigureAwait(false);
    }

    /// <summary>Answers a request the application refused with REQUEST_ERROR (its code, reason and retry interval).</summary>
    private static Task RejectAsync<T>(RequestStream stream, RequestResult<T> refused)
        where T : class
        => RejectAsync(stream, refused.ErrorCode, refused.Reason, refused.RetryInterval);

    /// <summary>
    /// The application's answer to a received request. A handler that throws (other than because the session is ending)
    /// is logged and the request answered with <paramref name="internalError"/>: a failing request is a request-level
    /// error, never the end of the session (STYLE.md "Moqt").
    /// </summary>
    private async Task<TResult> AskHandlerAsync<TResult>(string request, Func<ValueTask<TResult>> ask, Func<TResult> internalError)
    {
        try
        {
            return await ask().ConfigureAwait(false);
        }
        catch (Exception e) when (!IsShutdown(e))
        {
            Log.HandlerFailed(_logger, request, e);
            return internalError();
        }
    }

    private static string Truncate(string reason)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(reason) <= W.WireLimits.MaxReasonPhraseLength)
            return reason;
        return reason[..Math.Min(reason.Length, W.WireLimits.MaxReasonPhraseLength / 4)];
    }

    /// <summary>Opens a request stream and sends its first message.</summary>
    private async Task<RequestStream> OpenRequestAsync(W.MoqtControlMessage request, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        try
        {
            ITransportStream stream = await _transport.OpenBidirectionalStreamAsync(cancellationToken).ConfigureAwait(false);
            stream.Priority = new StreamPriority(1, 0);
            var requestStream = new RequestStream(stream, Version);
            await requestStream.WriteAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            return requestStream;
        }
        catch (TransportSessionClosedException e)
        {
            throw ClosedException(e);
        }
    }

    /// <summary>Reads the first response on a request stream; a FIN or reset before it fails the request.</summary>
    private async Task<W.MoqtControlMessage?> ReadResponseAsync(RequestStream stream, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, SessionToken);
        try
        {
            return await stream.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (W.MoqtProtocolException e)
        {
            await CloseAsync(e.Code, e.Reason).ConfigureAwait(false);
            throw new MoqtSessionException(e.Code, e.Reason, e);
        }
        catch (TransportStreamAbortedException)
        {
            return null;
        }
        catch (TransportSessionClosedException e)
        {
            throw ClosedException(e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw ClosedException(e);
        }
        catch (OperationCanceledException)
        {
            // The caller gave up: cancel the request so the peer can drop its state (§"Request Cancellation").
            stream.Cancel(StreamResetCode.Cancelled);
            throw;
        }
    }

    /// <summary>A response the request type does not allow: PROTOCOL_VIOLATION.</summary>
    private async Task<MoqtSessionException> UnexpectedAsync(W.MoqtControlMessage? message, string request)
    {
        string reason = message is null ? $"{request} stream ended without a response" : $"unexpected {message.Type} in response to {request}";
        if (message is null)
            return new MoqtSessionException(W.MoqtErrorCode.InternalError, reason);
        await CloseAsync(W.MoqtErrorCode.ProtocolViolation, reason).ConfigureAwait(false);
        return new MoqtSessionException(W.MoqtErrorCode.ProtocolViolation, reason);
    }
}
