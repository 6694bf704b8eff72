using MoqLive.Transport;

namespace MoqLive.Http3.WebTransport;

/// <summary>
/// The send half of a WebTransport stream: the stream header (0x54 or 0x41 plus session ID) is already written;
/// application error codes are mapped into the HTTP/3 space and back (draft-07 §4.3).
/// </summary>
internal sealed class WebTransportSendStream : IWebTransportStream, ITransportSendStream
{
    private readonly ITransportSendStream _inner;
    private Task? _writesClosed;

    public WebTransportSendStream(ITransportSendStream inner)
    {
        _inner = inner;
    }

    public long Id => _inner.Id;

    public WebTransportSession? Session { get; set; }

    public bool AbortedBySession { get; set; }

    public StreamPriority Priority
    {
        get => _inner.Priority;
        set => _inner.Priority = value;
    }

    /// <summary>Completes (never faults) when the underlying send side is done.</summary>
    internal Task Done => _inner.WritesClosed.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    public Task WritesClosed => _writesClosed ??= WebTransportStreamErrors.MapAsync(_inner.WritesClosed, this);

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, bool endStream = false, CancellationToken cancellationToken = default)
    {
        try
        {
            await _inner.WriteAsync(data, endStream, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (WebTransportStreamClosing.Translate(this, ex) is { } closed)
        {
            throw closed;
        }
        catch (TransportStreamAbortedException ex)
        {
            throw await WebTransportStreamClosing.TranslatePeerSessionGoneAsync(this, ex, cancellationToken).ConfigureAwait(false)
                ?? WebTransportStreamErrors.Map(ex);
        }
    }

    public async ValueTask WriteSharedAsync(ReadOnlyMemory<byte> prefix, ISharedBuffer payload, bool endStream = false, CancellationToken cancellationToken = default)
    {
        try
        {
            // Passed down so a QUIC stream references the payload instead of copying it.
            await _inner.WriteSharedAsync(prefix, payload, endStream, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (WebTransportStreamClosing.Translate(this, ex) is { } closed)
        {
            throw closed;
        }
        catch (TransportStreamAbortedException ex)
        {
            throw await WebTransportStreamClosing.TranslatePeerSessionGoneAsync(this, ex, cancellationToken).ConfigureAwait(false)
                ?? WebTransportStreamErrors.Map(ex);
        }
    }

    public async ValueTask CompleteWritesAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _inner.CompleteWritesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (WebTransportStreamClosing.Translate(this, ex) is { } closed)
        {
            throw closed;
        }
        catch (TransportStreamAbortedException ex)
        {
            throw await WebTransportStreamClosing.TranslatePeerSessionGoneAsync(this, ex, cancellationToken).ConfigureAwait(false)
                ?? WebTransportStreamErrors.Map(ex);
        }
    }

    public void Reset(ulong errorCode) => _inner.Reset(WebTransportErrorCodes.ToHttp3(errorCode));

    /// <summary>Resets with a raw HTTP/3 code (WEBTRANSPORT_SESSION_GONE when the session ends).</summary>
    public void ResetRaw(ulong http3Code) => _inner.Reset(http3Code);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}
