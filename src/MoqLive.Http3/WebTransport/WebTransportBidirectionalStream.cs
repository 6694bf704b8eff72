using MoqLive.Http3.Internal;
using MoqLive.Transport;

namespace MoqLive.Http3.WebTransport;

/// <summary>A bidirectional WebTransport stream (draft-02 §4.2: it began with 0x41 and the session ID).</summary>
internal sealed class WebTransportBidirectionalStream : IWebTransportStream, ITransportStream
{
    private readonly ITransportStream _inner;
    private readonly WebTransportSendStream _send;
    private readonly WebTransportReceiveStream _receive;

    public WebTransportBidirectionalStream(ITransportStream inner, FrameStreamReader reader)
    {
        _inner = inner;
        _send = new WebTransportSendStream(inner);
        _receive = new WebTransportReceiveStream(reader);
    }

    public long Id => _inner.Id;

    public bool AbortedBySession
    {
        get => _send.AbortedBySession;
        set
        {
            _send.AbortedBySession = value;
            _receive.AbortedBySession = value;
        }
    }

    public WebTransportSession? Session
    {
        get => _send.Session;
        set
        {
            _send.Session = value;
            _receive.Session = value;
        }
    }

    public StreamPriority Priority
    {
        get => _send.Priority;
        set => _send.Priority = value;
    }

    /// <summary>Completes when both halves are done.</summary>
    internal Task Done => Task.WhenAll(_send.Done, _receive.Done);

    public Task WritesClosed => _send.WritesClosed;

    public Task ReadsClosed => _receive.ReadsClosed;

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, bool endStream = false, CancellationToken cancellationToken = default) =>
        _send.WriteAsync(data, endStream, cancellationToken);

    public ValueTask CompleteWritesAsync(CancellationToken cancellationToken = default) => _send.CompleteWritesAsync(cancellationToken);

    public void Reset(ulong errorCode) => _send.Reset(errorCode);

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _receive.ReadAsync(buffer, cancellationToken);

    public void Stop(ulong errorCode) => _receive.Stop(errorCode);

    /// <summary>Aborts both halves with a raw HTTP/3 code.</summary>
    public void AbortRaw(ulong http3Code)
    {
        _send.ResetRaw(http3Code);
        _receive.StopRaw(http3Code);
    }

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}
