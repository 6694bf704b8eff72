using MoqLive.Http3.Internal;
using MoqLive.Transport;

namespace MoqLive.Http3.WebTransport;

/// <summary>
/// The receive half of a WebTransport stream. Reads start after the stream header; bytes the header parser
/// already buffered are returned first. Error codes are mapped as for <see cref="WebTransportSendStream"/>.
/// </summary>
internal sealed class WebTransportReceiveStream : IWebTransportStream, ITransportReceiveStream
{
    private readonly FrameStreamReader _reader;
    private Task? _readsClosed;
    private bool _stopped;

    public WebTransportReceiveStream(FrameStreamReader reader)
    {
        _reader = reader;
    }

    public long Id => _reader.Stream.Id;

    public WebTransportSession? Session { get; set; }

    public bool AbortedBySession { get; set; }

    /// <summary>Completes (never faults) when the underlying receive side is done.</summary>
    internal Task Done => _reader.Stream.ReadsClosed.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    public Task ReadsClosed => _readsClosed ??= WebTransportStreamErrors.MapAsync(_reader.Stream.ReadsClosed, this);

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (WebTransportStreamClosing.Closed(this) is { } alreadyClosed)
            throw alreadyClosed;
        if (_stopped)
            throw new InvalidOperationException("The stream's receive side was stopped.");

        try
        {
            int read = buffer.IsEmpty
                ? await _reader.Stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)
                : await _reader.ReadDirectAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0 && WebTransportStreamClosing.Closed(this) is { } ended)
                throw ended;
            return read;
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

    public void Stop(ulong errorCode)
    {
        _stopped = true;
        _reader.Stream.Stop(WebTransportErrorCodes.ToHttp3(errorCode));
    }

    /// <summary>Stops with a raw HTTP/3 code (WEBTRANSPORT_SESSION_GONE when the session ends).</summary>
    public void StopRaw(ulong http3Code) => _reader.Stream.Stop(http3Code);

    public ValueTask DisposeAsync() => _reader.Stream.DisposeAsync();
}
