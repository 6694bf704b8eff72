namespace MoqLive.Transport.InMemory;

/// <summary>A unidirectional stream the peer opened.</summary>
internal sealed class InMemoryReceiveStream(StreamPipe receive) : ITransportReceiveStream
{
    internal InMemoryStreamState State => receive.State;

    public long Id => receive.Id;

    public Task ReadsClosed => receive.ReadsClosed;

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        receive.ReadAsync(buffer, cancellationToken);

    public void Stop(ulong errorCode) => receive.Stop(errorCode);

    public ValueTask DisposeAsync()
    {
        receive.AbandonReceive();
        return ValueTask.CompletedTask;
    }
}
