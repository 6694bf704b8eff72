namespace MoqLive.Transport.InMemory;

/// <summary>A unidirectional stream this side opened.</summary>
internal sealed class InMemorySendStream(StreamPipe send) : ITransportSendStream
{
    public long Id => send.Id;

    public StreamPriority Priority
    {
        get => send.Priority;
        set => send.Priority = value;
    }

    public Task WritesClosed => send.WritesClosed;

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, bool endStream = false, CancellationToken cancellationToken = default) =>
        send.WriteAsync(data, endStream, cancellationToken);

    public ValueTask CompleteWritesAsync(CancellationToken cancellationToken = default)
    {
        send.CompleteWrites();
        return ValueTask.CompletedTask;
    }

    public void Reset(ulong errorCode) => send.Reset(errorCode);

    public ValueTask DisposeAsync()
    {
        send.AbandonSend();
        return ValueTask.CompletedTask;
    }
}
