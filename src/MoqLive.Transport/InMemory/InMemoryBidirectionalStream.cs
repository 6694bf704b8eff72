namespace MoqLive.Transport.InMemory;

/// <summary>One endpoint's view of a bidirectional stream: it sends on one pipe and receives on the other.</summary>
internal sealed class InMemoryBidirectionalStream(StreamPipe send, StreamPipe receive) : ITransportStream
{
    internal InMemoryStreamState State => receive.State;

    public long Id => send.Id;

    public StreamPriority Priority
    {
        get => send.Priority;
        set => send.Priority = value;
    }

    public Task WritesClosed => send.WritesClosed;

    public Task ReadsClosed => receive.ReadsClosed;

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, bool endStream = false, CancellationToken cancellationToken = default) =>
        send.WriteAsync(data, endStream, cancellationToken);

    public ValueTask CompleteWritesAsync(CancellationToken cancellationToken = default)
    {
        send.CompleteWrites();
        return ValueTask.CompletedTask;
    }

    public void Reset(ulong errorCode) => send.Reset(errorCode);

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        receive.ReadAsync(buffer, cancellationToken);

    public void Stop(ulong errorCode) => receive.Stop(errorCode);

    public ValueTask DisposeAsync()
    {
        send.AbandonSend();
        receive.AbandonReceive();
        return ValueTask.CompletedTask;
    }
}
