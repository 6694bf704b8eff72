using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoqLive.Moqt.Session;
using MoqLive.Relay;
using MoqLive.Transport;
using W = MoqLive.Moqt.Wire;

namespace MoqLive.Server;

/// <summary>
/// Runs one MOQT server session over any transport (raw QUIC with ALPN <c>moqt-19</c>, a WebTransport session, or
/// the in-memory pair in tests) with the relay as both its publisher and subscriber handler: the single place where
/// both entry points of the ALPN split end up (DESIGN.md "One UDP port, split by ALPN").
/// </summary>
public sealed class MoqtSessionHandler
{
    private readonly MoqtRelay _relay;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly ILogger _logger;
    private long _activeSessions;
    private long _totalSessions;

    /// <summary>Creates a handler feeding <paramref name="relay"/>.</summary>
    public MoqtSessionHandler(MoqtRelay relay, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(relay);
        _relay = relay;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory?.CreateLogger<MoqtSessionHandler>() ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>MOQT sessions currently open.</summary>
    public long ActiveSessions => Interlocked.Read(ref _activeSessions);

    /// <summary>MOQT sessions set up since start.</summary>
    public long TotalSessions => Interlocked.Read(ref _totalSessions);

    /// <summary>
    /// Sets up the session (SETUP exchange) and serves it until it closes or <paramref name="cancellationToken"/> fires
    /// (then it is closed with NO_ERROR, "server shutting down"). Never throws for a session that fails: it is logged.
    /// </summary>
    public async Task RunAsync(ITransportSession transport, bool isWebTransport, string remote, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        var options = new MoqtSessionOptions
        {
            IsWebTransport = isWebTransport,
            Publisher = _relay,
            Subscriber = _relay,
            ImplementationName = "MoqLive relay",
            TimeProvider = _timeProvider,
            LoggerFactory = _loggerFactory,
        };
        MoqtSession session;
        try
        {
            session = await MoqtSession.AcceptAsync(transport, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MoqtSessionException or TransportSessionClosedException or OperationCanceledException or IOException)
        {
            Log.SessionSetupFailed(_logger, remote, e.Message);
            await CloseQuietlyAsync(transport).ConfigureAwait(false);
            return;
        }

        Interlocked.Increment(ref _activeSessions);
        Interlocked.Increment(ref _totalSessions);
        Log.SessionStarted(_logger, remote, isWebTransport ? "WebTransport" : "QUIC");
        try
        {
            await using (session.ConfigureAwait(false))
            {
                try
                {
                    TransportCloseInfo info = await session.Closed.WaitAsync(cancellationToken).ConfigureAwait(false);
                    Log.SessionEnded(_logger, remote, info.ErrorCode, info.TransportError ?? info.Reason);
                }
                catch (OperationCanceledException)
                {
                    await session.CloseAsync(W.MoqtErrorCode.NoError, "server shutting down").ConfigureAwait(false);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _activeSessions);
        }
    }

    private static async Task CloseQuietlyAsync(ITransportSession transport)
    {
        try
        {
            await transport.CloseAsync((ulong)W.MoqtErrorCode.InternalError, "setup failed").ConfigureAwait(false);
        }
        catch (TransportSessionClosedException)
        {
            // Already gone.
        }
    }
}
