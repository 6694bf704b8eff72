using System.Buffers;
using MoqLive.Http3.Frames;
using MoqLive.Transport;

namespace MoqLive.Http3;

// GOAWAY: graceful shutdown (RFC 9114 §5.2, §7.2.6).
public sealed partial class Http3Connection
{
    private ulong? _goAwaySentId;
    private TaskCompletionSource? _goAwayDrained;
    private readonly TaskCompletionSource<ulong> _peerGoAway = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the ID of the peer's first GOAWAY (§5.2); never completes if none arrives.</summary>
    public Task<ulong> PeerGoAway => _peerGoAway.Task;

    /// <summary>
    /// Sends GOAWAY. A server names the first request stream it will not process (all later ones are rejected
    /// with H3_REQUEST_REJECTED); a client sends push ID 0, having allowed no pushes. Repeating is allowed; the
    /// ID never increases (§5.2).
    /// </summary>
    public async ValueTask SendGoAwayAsync(CancellationToken cancellationToken = default)
    {
        ulong id;
        lock (_lock)
        {
            id = IsServer ? (ulong)(_highestRequestStreamId + 4) : 0;
            if (_goAwaySentId is { } previous && previous < id)
                id = previous;
            _goAwaySentId = id;
            _goAwayDrained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_activeRequests == 0)
                _goAwayDrained.TrySetResult();
        }

        var frame = new ArrayBufferWriter<byte>(16);
        Http3FrameWriter.WriteGoAway(frame, id);
        await WriteControlFrameAsync(frame.WrittenMemory, cancellationToken).ConfigureAwait(false);
        Log.GoAwaySent(_logger, id);
    }

    /// <summary>
    /// Graceful shutdown (§5.2): sends GOAWAY, waits until the requests in flight have finished and then for
    /// the peer to close the connection (a client closes once its last response is read), so no response is cut
    /// off. When <paramref name="cancellationToken"/> fires first, the connection is closed at once with
    /// H3_NO_ERROR instead; either way the connection is closed when this returns.
    /// </summary>
    public async ValueTask ShutdownAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await SendGoAwayAsync(cancellationToken).ConfigureAwait(false);
            Task drained;
            lock (_lock)
                drained = _goAwayDrained!.Task;
            await drained.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (!IsServer)
                await CloseAsync(Http3ErrorCode.NoError, "shutdown", cancellationToken).ConfigureAwait(false);
            await _session.Closed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Out of patience: close now.
        }
        catch (TransportSessionClosedException)
        {
            // Closed meanwhile.
        }

        await CloseAsync(Http3ErrorCode.NoError, "shutdown", CancellationToken.None).ConfigureAwait(false);
    }

    private void HandleGoAway(ulong id)
    {
        // §5.2: from a server the ID is a client-initiated bidirectional stream ID; it must never increase.
        if (!IsServer && id % 4 != 0)
            throw new Http3ConnectionErrorException(Http3ErrorCode.IdError, $"GOAWAY with {id}, which is not a client-initiated bidirectional stream ID.");
        if (id > PeerGoAwayId)
            throw new Http3ConnectionErrorException(Http3ErrorCode.IdError, $"GOAWAY increased the ID from {PeerGoAwayId} to {id}.");

        PeerGoAwayId = id;
        _peerGoAway.TrySetResult(id);
        Log.GoAwayReceived(_logger, id);
        if (!IsServer)
            CloseIfIdleAfterGoAway();
    }

    // §5.2: a client told to go away closes the connection once its last request is done.
    private void CloseIfIdleAfterGoAway()
    {
        bool idle;
        lock (_lock)
            idle = PeerGoAwayId is not null && _activeClientRequests == 0;
        if (idle)
            _ = CloseQuietlyAsync();
    }

    private async Task CloseQuietlyAsync()
    {
        try
        {
            await CloseAsync(Http3ErrorCode.NoError, "GOAWAY received and no request in flight").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TransportSessionClosedException or ObjectDisposedException)
        {
            // Already closed.
        }
    }
}
