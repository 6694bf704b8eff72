using System.Threading.Channels;

namespace MoqLive.Moqt.Model;

/// <summary>
/// The reading half of a FETCH response. A session serving a FETCH reads it and writes the FETCH data stream:
/// <see cref="ObjectReadStatus.End"/> → FIN, <see cref="ObjectReadStatus.Aborted"/> → reset. Each object read carries one
/// payload reference owned by the reader. Dispose to cancel; unread objects are released.
/// </summary>
public sealed class FetchConsumer : IDisposable
{
    private readonly ChannelReader<MoqtObject> _reader;
    private readonly ChannelWriter<MoqtObject> _writer;
    private StreamResetCode? _abort;
    private int _disposed;

    internal FetchConsumer(Channel<MoqtObject> channel)
    {
        _reader = channel.Reader;
        _writer = channel.Writer;
    }

    /// <summary>A completed response holding <paramref name="objects"/> (each with one reference that moves to the consumer).</summary>
    public static FetchConsumer FromSnapshot(IReadOnlyCollection<MoqtObject> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var producer = new FetchProducer(Math.Max(1, objects.Count));
        foreach (var obj in objects)
            producer.TryWrite(obj);
        producer.Complete();
        return producer.Consumer;
    }

    /// <summary>The next object, the end, or the abort.</summary>
    public async ValueTask<ObjectReadResult> ReadObjectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        while (true)
        {
            if (_reader.TryRead(out var obj))
                return ObjectReadResult.ForObject(obj);
            if (!await _reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                return _abort is { } code ? ObjectReadResult.ForAbort(code) : ObjectReadResult.EndResult;
        }
    }

    /// <summary>Cancels the fetch from the reading side and releases unread objects.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;

        // Writers waiting for space fail fast and release what they hold.
        _writer.TryComplete();
        Drain();
    }

    internal void SetAbort(StreamResetCode code) => _abort = code;

    internal void ReleaseIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
            Drain();
    }

    private void Drain()
    {
        while (_reader.TryRead(out var obj))
            obj.Release();
    }
}
