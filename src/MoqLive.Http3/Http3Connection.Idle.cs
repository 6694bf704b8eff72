using MoqLive.Transport;

namespace MoqLive.Http3;

// Server side: closing a connection left idle (Http3ConnectionOptions.IdleCloseDelay; RFC 9114 §5.1, §5.2).
public sealed partial class Http3Connection
{
    private ITimer? _idleTimer;
    // Tells a firing timer whether a request came (or another timer was armed) after it was armed.
    private long _idleGeneration;

    /// <summary>Whether the idle close is pending (for tests).</summary>
    internal bool IdleCloseArmed
    {
        get
        {
            lock (_lock)
                return _idleTimer is not null;
        }
    }

    private bool IsIdleLocked => _activeRequests == 0 && _webTransportSessions.Count == 0;

    // Called under _lock when a request or WebTransport session ends.
    private void ArmIdleCloseLocked()
    {
        if (!IsServer || _options.IdleCloseDelay == Timeout.InfiniteTimeSpan || !IsIdleLocked || IsClosing)
            return;
        _idleTimer?.Dispose();
        _idleTimer = _options.TimeProvider.CreateTimer(OnIdleTimer, ++_idleGeneration, _options.IdleCloseDelay, Timeout.InfiniteTimeSpan);
    }

    // Called under _lock when a request arrives or the connection closes.
    private void DisarmIdleCloseLocked()
    {
        _idleGeneration++;
        _idleTimer?.Dispose();
        _idleTimer = null;
    }

    private void OnIdleTimer(object? generation)
    {
        lock (_lock)
        {
            if ((long)generation! != _idleGeneration || !IsIdleLocked)
                return;
            DisarmIdleCloseLocked();
        }

        _ = CloseIdleAsync();
    }

    private async Task CloseIdleAsync()
    {
        try
        {
            Log.IdleClose(_logger, _options.IdleCloseDelay);
            await SendGoAwayAsync().ConfigureAwait(false);
            // A request that arrived before the GOAWAY is served; its end arms the timer again.
            bool idle;
            lock (_lock)
                idle = IsIdleLocked;
            if (idle)
                await CloseAsync(Http3ErrorCode.NoError, "idle").ConfigureAwait(false);
        }
        catch (Exception e) when (e is TransportSessionClosedException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection closed meanwhile.
        }
    }
}
