using System.Buffers;
using MoqLive.Http3.Frames;

namespace MoqLive.Http3;

// GOAWAY: graceful shutdown (RFC 9114 §5.2, §7.2.6).
public sealed partial class Http3Connection
{
    private ulong? _goAwaySentId;
    private TaskCompletionSource? _goAwayDrained;

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
    /// Graceful shutdown: sends GOAWAY, waits until the requests in flight have finished, then closes the
    /// connection with H3_NO_ERROR (§5.2).
    /// </summary>
    public async ValueTask ShutdownAsync(CancellationToken cancellationToken = default)
    {
        await SendGoAwayAsync(cancellationToken).ConfigureAwait(false);
        Task drained;
        lock (_lock)
            drained = _goAwayDrained!.Task;
        await drained.WaitAsync(cancellationToken).ConfigureAwait(false);
        await CloseAsync(Http3ErrorCode.NoError, "shutdown", cancellationToken).ConfigureAwait(false);
    }

    private void HandleGoAway(ulong id)
    {
        // §5.2: from a server the ID is a client-initiated bidirectional stream ID; it must never increase.
        if (!IsServer && id % 4 != 0)
            throw new Http3ConnectionErrorException(Http3ErrorCode.IdError, $"GOAWAY with {id}, which is not a client-initiated bidirectional stream ID.");
        if (id > PeerGoAwayId)
            throw new Http3ConnectionErrorException(Http3ErrorCode.IdError, $"GOAWAY increased the ID from {PeerGoAwayId} to {id}.");

        PeerGoAwayId = id;
        Log.GoAwayReceived(_logger, id);
    }
}
