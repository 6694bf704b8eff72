using MoqLive.Http3.Internal;
using MoqLive.Transport;

namespace MoqLive.Http3;

/// <summary>
/// A response received by the client. Read <see cref="Body"/> to its end; disposing before that cancels the
/// rest (STOP_SENDING with H3_REQUEST_CANCELLED).
/// </summary>
public sealed class Http3ClientResponse : IAsyncDisposable
{
    private readonly Http3MessageReader _reader;
    private readonly ITransportStream _stream;
    private readonly Func<Memory<byte>, CancellationToken, ValueTask<int>> _read;
    private readonly Action _onFinished;
    private bool _ended;
    private int _finished;

    internal Http3ClientResponse(
        ITransportStream stream,
        int statusCode,
        IReadOnlyList<HeaderField> headers,
        Http3MessageReader reader,
        Http3MessageWriter writer,
        Func<Memory<byte>, CancellationToken, ValueTask<int>> read,
        Action onFinished)
    {
        _onFinished = onFinished;
        _stream = stream;
        StatusCode = statusCode;
        Headers = headers;
        _reader = reader;
        RequestWriter = writer;
        _read = read;
        Body = new Http3BodyReadStream(ReadBodyAsync);
    }

    /// <summary>The request stream's ID.</summary>
    public long StreamId => _stream.Id;

    /// <summary>The final status code.</summary>
    public int StatusCode { get; }

    /// <summary>The header fields (no pseudo-headers).</summary>
    public IReadOnlyList<HeaderField> Headers { get; }

    /// <summary>The body; reads return 0 at its end.</summary>
    public Stream Body { get; }

    /// <summary>Trailer fields once the body was read to its end, if the server sent any.</summary>
    public IReadOnlyList<HeaderField>? Trailers => _reader.Trailers;

    /// <summary>The first value of the header field <paramref name="name"/> (lowercase), or null.</summary>
    public string? GetHeader(string name)
    {
        foreach (HeaderField field in Headers)
        {
            if (field.Name == name)
                return field.Value;
        }

        return null;
    }

    internal Http3MessageWriter RequestWriter { get; }

    // Tells the connection this request is over (once), for GOAWAY's close-when-idle (RFC 9114 §5.2).
    private void Finish()
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0)
            _onFinished();
    }

    internal Http3MessageReader Reader => _reader;

    /// <summary>
    /// Releases the request stream. An unread body is cancelled (STOP_SENDING H3_REQUEST_CANCELLED), and a
    /// request side still open (<see cref="Http3ClientRequest.KeepRequestStreamOpen"/>) is reset with the same code.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (!_ended)
            _stream.Stop((ulong)Http3ErrorCode.RequestCancelled);
        if (!RequestWriter.IsCompleted)
            _stream.Reset((ulong)Http3ErrorCode.RequestCancelled);
        await _stream.DisposeAsync().ConfigureAwait(false);
        Finish();
    }

    private async ValueTask<int> ReadBodyAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int read;
        try
        {
            read = await _read(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Http3Exception)
        {
            Finish();
            throw;
        }

        if (read == 0 && !buffer.IsEmpty)
        {
            _ended = true;
            if (RequestWriter.IsCompleted)
                Finish();
        }

        return read;
    }
}
