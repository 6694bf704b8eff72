using System.Runtime.CompilerServices;
using MoqLive.Transport;

namespace MoqLive.Quic.Transport;

/// <summary>
/// A <see cref="QuicStream"/> as a transport stream: bidirectional streams use both halves, unidirectional ones are
/// handed out as <see cref="ITransportSendStream"/> or <see cref="ITransportReceiveStream"/> only.
/// </summary>
internal sealed class QuicTransportStream : ITransportStream
{
    private readonly QuicTransportSession _session;
    private readonly QuicStream _stream;

    public QuicTransportStream(QuicTransportSession session, QuicStream stream)
    {
        _session = session;
        _stream = stream;
        ReadsClosed = MapAsync(stream.ReadsClosed, peerStoppedSending: false);
        WritesClosed = MapAsync(stream.WritesClosed, peerStoppedSending: true);
    }

    public long Id => _stream.Id;

    public StreamPriority Priority
    {
        get => _stream.Priority;
        set => _stream.Priority = value;
    }

    public Task ReadsClosed { get; }

    public Task WritesClosed { get; }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, bool endStream = false, CancellationToken cancellationToken = default)
    {
        try
        {
            await _stream.WriteAsync(data, endStream, cancellationToken).ConfigureAwait(false);
        }
        catch (QuicException e)
        {
            throw _session.MapException(e, peerStoppedSending: true);
        }
    }

    // The QUIC send buffer references the payload until it is acknowledged instead of copying it (ISharedBuffer).
    public async ValueTask WriteSharedAsync(ReadOnlyMemory<byte> prefix, ISharedBuffer payload, bool endStream = false, CancellationToken cancellationToken = default)
    {
        try
        {
            await _stream.WriteAsync(prefix, payload, endStream, cancellationToken).ConfigureAwait(false);
        }
        catch (QuicException e)
        {
            throw _session.MapException(e, peerStoppedSending: true);
        }
    }

    public ValueTask CompleteWritesAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            _stream.CompleteWrites();
            return ValueTask.CompletedTask;
        }
        catch (QuicException e)
        {
            return ValueTask.FromException(_session.MapException(e, peerStoppedSending: true));
        }
    }

    public void Reset(ulong errorCode) => _stream.Abort(QuicAbortDirection.Write, checked((long)errorCode));

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (QuicException e)
        {
            throw _session.MapException(e, peerStoppedSending: false);
        }
    }

    public void Stop(ulong errorCode) => _stream.Abort(QuicAbortDirection.Read, checked((long)errorCode));

    public ValueTask DisposeAsync()
    {
        // Reset an unfinished send side and stop an unfinished receive side with code 0 (ITransportSendStream docs).
        _stream.Abort(QuicAbortDirection.Both, 0);
        return ValueTask.CompletedTask;
    }

    private async Task MapAsync(Task closed, bool peerStoppedSending)
    {
        try
        {
            await closed.ConfigureAwait(false);
        }
        catch (QuicException e)
        {
            throw _session.MapException(e, peerStoppedSending);
        }
    }
}
