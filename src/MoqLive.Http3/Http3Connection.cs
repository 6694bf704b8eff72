using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoqLive.Http3.QPack;
using MoqLive.Transport;

namespace MoqLive.Http3;

/// <summary>
/// An HTTP/3 connection (RFC 9114) over any <see cref="ITransportSession"/>: raw QUIC with ALPN h3, or the
/// in-memory pair in tests.
/// </summary>
/// <remarks>
/// How to drive it: create it with <see cref="CreateServer"/> or <see cref="CreateClient"/>, then call
/// <see cref="StartAsync"/> once; it opens our control stream with SETTINGS (§6.2.1) and starts background
/// loops that accept the peer's unidirectional streams (and, on a server, request streams, each handed to the
/// <see cref="Http3RequestHandler"/>). A client sends requests with <see cref="SendRequestAsync"/>. Either side
/// may send GOAWAY (<see cref="SendGoAwayAsync"/>) or shut down gracefully (<see cref="ShutdownAsync"/>).
/// Protocol violations detected anywhere are thrown as typed exceptions carrying an <see cref="Http3ErrorCode"/>
/// and handled once here: connection errors close the session with that code, stream errors reset just the
/// request stream. QPACK runs without a dynamic table (capacity 0, no blocked streams), so no encoder or
/// decoder stream is opened (RFC 9204 §4.2 allows that).
/// </remarks>
public sealed partial class Http3Connection : IAsyncDisposable
{
    private readonly ITransportSession _session;
    private readonly Http3RequestHandler? _handler;
    private readonly Http3ConnectionOptions _options;
    private readonly ILogger _logger;
    private readonly QPackDecoder _decoder;
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource<IReadOnlyDictionary<ulong, ulong>> _peerSettings =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Background loops and per-stream tasks still running; finished ones remove themselves (bounded by open streams).
    private readonly HashSet<Task> _loops = [];
    private readonly Lock _lock = new();
    private int _started;
    private int _aborted;

    private Http3Connection(ITransportSession session, Http3RequestHandler? handler, Http3ConnectionOptions? options)
    {
        ArgumentNullException.ThrowIfNull(session);
        options ??= Http3ConnectionOptions.Default;
        options.Validate();
        _session = session;
        _handler = handler;
        _options = options;
        _logger = options.LoggerFactory?.CreateLogger<Http3Connection>() ?? (ILogger)NullLogger.Instance;
        _decoder = new QPackDecoder(options.MaxFieldSectionSize);
        _ = _session.Closed.ContinueWith(OnSessionClosed, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Creates the server side of a connection; every request goes to <paramref name="handler"/>.</summary>
    public static Http3Connection CreateServer(ITransportSession session, Http3RequestHandler handler, Http3ConnectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return new Http3Connection(session, handler, options);
    }

    /// <summary>Creates the client side of a connection.</summary>
    public static Http3Connection CreateClient(ITransportSession session, Http3ConnectionOptions? options = null) =>
        new(session, null, options);

    /// <summary>True for the server side.</summary>
    public bool IsServer => _handler is not null;

    /// <summary>The transport session underneath.</summary>
    public ITransportSession Session => _session;

    /// <summary>
    /// The peer's SETTINGS once its control stream delivered them (RFC 9114 §7.2.4), unknown and GREASE
    /// identifiers included. Faults with <see cref="Http3Exception"/> if the connection ends first.
    /// </summary>
    public Task<IReadOnlyDictionary<ulong, ulong>> PeerSettings => _peerSettings.Task;

    /// <summary>Completes when the session ends, with how it ended.</summary>
    public Task<TransportCloseInfo> Closed => _session.Closed;

    /// <summary>The ID in the last GOAWAY the peer sent, or null (§5.2).</summary>
    public ulong? PeerGoAwayId { get; private set; }

    /// <summary>The options in use.</summary>
    public Http3ConnectionOptions Options => _options;

    /// <summary>Opens the control stream, sends SETTINGS and starts accepting the peer's streams. Call once.</summary>
    public async ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
            throw new InvalidOperationException("The connection was already started.");

        lock (_lock)
        {
            _loops.Add(Task.Run(AcceptUnidirectionalStreamsAsync, CancellationToken.None));
            if (IsServer)
                _loops.Add(Task.Run(AcceptRequestStreamsAsync, CancellationToken.None));
        }

        StartWebTransportLoops();
        await OpenControlStreamAsync(cancellationToken).ConfigureAwait(false);
        Log.ConnectionStarted(_logger, IsServer ? "server" : "client");
    }

    /// <summary>Closes the connection at once with <paramref name="errorCode"/> (H3_NO_ERROR for a normal close).</summary>
    public async ValueTask CloseAsync(Http3ErrorCode errorCode = Http3ErrorCode.NoError, string reason = "", CancellationToken cancellationToken = default)
    {
        Interlocked.Exchange(ref _aborted, 1);
        await _cts.CancelAsync().ConfigureAwait(false);
        await _session.CloseAsync((ulong)errorCode, reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the connection (H3_NO_ERROR) and waits for the background loops.</summary>
    public async ValueTask DisposeAsync()
    {
        await CloseAsync(Http3ErrorCode.NoError, string.Empty).ConfigureAwait(false);
        Task[] loops;
        lock (_lock)
            loops = [.. _loops];

        // The loops end on the session close; they log their own failures.
        await Task.WhenAll(loops).ConfigureAwait(false);
        _cts.Dispose();
    }

    /// <summary>
    /// Handles a connection error once (RFC 9114 §8): logs it and closes the session with its code. Later
    /// errors, consequences of the first, are ignored.
    /// </summary>
    internal async Task AbortAsync(Http3ConnectionErrorException error)
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
            return;

        Log.ConnectionError(_logger, error.ErrorCode, error.Message);
        await _cts.CancelAsync().ConfigureAwait(false);
        try
        {
            await _session.CloseAsync((ulong)error.ErrorCode, error.Message).ConfigureAwait(false);
        }
        catch (TransportSessionClosedException)
        {
            // Already closed by the peer: nothing left to tell it.
        }
    }

    private void TrackTask(Task task)
    {
        lock (_lock)
            _loops.Add(task);
        task.ContinueWith(
            (finished, state) =>
            {
                var self = (Http3Connection)state!;
                lock (self._lock)
                    self._loops.Remove(finished);
            },
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private bool IsClosing => Volatile.Read(ref _aborted) != 0 || _session.Closed.IsCompleted;

    private void OnSessionClosed(Task<TransportCloseInfo> closed)
    {
        TransportCloseInfo info = closed.Result;
        Log.TransportClosed(_logger, info.ErrorCode, info.Reason);
        _peerSettings.TrySetException(new Http3Exception(
            "The connection closed before the peer's SETTINGS arrived.", ToErrorCode(info.ErrorCode)));
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed already: nothing left to cancel.
        }

        lock (_lock)
        {
            _goAwayDrained?.TrySetResult();
            DisarmIdleCloseLocked();
        }
        CloseWebTransportSessions(info);
    }

    private static Http3ErrorCode? ToErrorCode(ulong code) => code == 0 ? null : (Http3ErrorCode)code;
}
