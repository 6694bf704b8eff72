using System.Globalization;
using MoqLive.Http3.Internal;

namespace MoqLive.Http3;

/// <summary>
/// The response to an <see cref="Http3ServerRequest"/>. Set <see cref="StatusCode"/> and <see cref="Headers"/>,
/// then write the body; the header section is sent with the first write (or by <see cref="StartAsync"/>).
/// </summary>
public sealed class Http3ServerResponse
{
    private readonly Http3MessageWriter _writer;
    private int _statusCode = 200;

    internal Http3ServerResponse(Http3MessageWriter writer)
    {
        _writer = writer;
        Body = new Http3BodyWriteStream(WriteAsync);
    }

    /// <summary>The status code (100–599; default 200). Fixed once the headers were sent.</summary>
    public int StatusCode
    {
        get => _statusCode;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 100);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 599);
            if (HasStarted)
                throw new InvalidOperationException("The response headers were already sent.");
            _statusCode = value;
        }
    }

    /// <summary>Header fields to send (lowercase names, no pseudo-headers).</summary>
    public List<HeaderField> Headers { get; } = [];

    /// <summary>True once the header section was sent.</summary>
    public bool HasStarted { get; private set; }

    /// <summary>True once the response was completed (FIN sent).</summary>
    public bool IsCompleted => _writer.IsCompleted;

    /// <summary>The body; each write is sent as DATA frames.</summary>
    public Stream Body { get; }

    /// <summary>Sends the header section now (e.g. a 200 to an extended CONNECT whose stream stays open).</summary>
    public ValueTask StartAsync(CancellationToken cancellationToken = default) => SendHeadersAsync(false, cancellationToken);

    /// <summary>Writes body bytes, sending the headers first if needed.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        await SendHeadersAsync(false, cancellationToken).ConfigureAwait(false);
        await _writer.WriteDataAsync(data, false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finishes the response: headers if still pending, optional trailers, then FIN.</summary>
    public async ValueTask CompleteAsync(IEnumerable<HeaderField>? trailers = null, CancellationToken cancellationToken = default)
    {
        if (_writer.IsCompleted)
            return;

        if (!HasStarted && trailers is null)
        {
            await SendHeadersAsync(true, cancellationToken).ConfigureAwait(false);
            return;
        }

        await SendHeadersAsync(false, cancellationToken).ConfigureAwait(false);
        if (trailers is not null)
            await _writer.WriteHeadersAsync(trailers, true, cancellationToken).ConfigureAwait(false);
        else
            await _writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    internal Http3MessageWriter Writer => _writer;

    private async ValueTask SendHeadersAsync(bool endStream, CancellationToken cancellationToken)
    {
        if (HasStarted)
            return;

        HasStarted = true;
        var fields = new List<HeaderField>(Headers.Count + 1)
        {
            new(":status", _statusCode.ToString(CultureInfo.InvariantCulture)),
        };
        fields.AddRange(Headers);
        await _writer.WriteHeadersAsync(fields, endStream, cancellationToken).ConfigureAwait(false);
    }
}
