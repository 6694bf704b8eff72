using System.Threading.Channels;

namespace MoqLive.Moqt.Model;

/// <summary>
/// The writing half of a FETCH response: objects in response order (group order, then object ID). A session that sent a
/// FETCH writes the objects of the FETCH data stream here; the application reads <see cref="Consumer"/>. Bounded:
/// <see cref="WriteAsync"/> waits while the reader is behind, which is the flow control a fetch stream wants.
/// </summary>
public sealed class FetchProducer
{
    /// <summary>Default buffered objects before <see cref="WriteAsync"/> waits.</summary>
    public const int DefaultCapacity = 64;

    private readonly Channel<MoqtObject> _channel;

    /// <summary>Creates a fetch producer/consumer pair.</summary>
    public FetchProducer(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _channel = Channel.CreateBounded<MoqtObject>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });
        Consumer = new FetchConsumer(_channel);
    }

    /// <summary>The reading half.</summary>
    public FetchConsumer Consumer { get; }

    /// <summary>Writes the next object; takes over one payload reference (released if the consumer is gone).</summary>
    public async ValueTask WriteAsync(MoqtObject obj, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        try
        {
            await _channel.Writer.WriteAsync(obj, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            obj.Release();
        }
        catch (OperationCanceledException)
        {
            obj.Release();
            throw;
        }

        // The consumer may have been disposed between the write and now: it drains and releases.
        Consumer.ReleaseIfDisposed();
    }

    /// <summary>Writes without waiting; false (and the reference released) if the buffer is full or the consumer gone.</summary>
    public bool TryWrite(MoqtObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (_channel.Writer.TryWrite(obj))
        {
            Consumer.ReleaseIfDisposed();
            return true;
        }

        obj.Release();
        return false;
    }

    /// <summary>All objects were written (the fetch stream ended with FIN).</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>The fetch stream was reset; the reader sees <see cref="ObjectReadStatus.Aborted"/> after buffered objects.</summary>
    public void Abort(StreamResetCode code)
    {
        Consumer.SetAbort(code);
        _channel.Writer.TryComplete();
    }
}
