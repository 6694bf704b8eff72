using MoqLive.Http3.Internal;
using MoqLive.Http3.WebTransport;

namespace MoqLive.Http3;

/// <summary>A request received by the server: control data, header fields and the body (RFC 9114 §4.1).</summary>
public sealed class Http3ServerRequest
{
    private readonly Http3MessageReader _reader;

    private readonly Http3Connection _connection;

    internal Http3ServerRequest(Http3Connection connection, long streamId, RequestHead head, Http3MessageReader reader)
    {
        _connection = connection;
        StreamId = streamId;
        Method = head.Method;
        Scheme = head.Scheme;
        Authority = head.Authority;
        Path = head.Path;
        Protocol = head.Protocol;
        Headers = head.Headers;
        ContentLength = head.ContentLength;
        _reader = reader;
        Body = new Http3BodyReadStream(reader.ReadBodyAsync);
    }

    /// <summary>The request stream's ID.</summary>
    public long StreamId { get; }

    /// <summary>:method.</summary>
    public string Method { get; }

    /// <summary>:scheme (null for plain CONNECT).</summary>
    public string? Scheme { get; }

    /// <summary>:authority, if present.</summary>
    public string? Authority { get; }

    /// <summary>:path including any query (null for plain CONNECT).</summary>
    public string? Path { get; }

    /// <summary>:protocol of an extended CONNECT (RFC 9220), e.g. <c>webtransport</c>; otherwise null.</summary>
    public string? Protocol { get; }

    /// <summary>The header fields (no pseudo-headers), in the order received.</summary>
    public IReadOnlyList<HeaderField> Headers { get; }

    /// <summary>The content-length, if sent.</summary>
    public long? ContentLength { get; }

    /// <summary>The body; reads return 0 at its end. Read it at most once.</summary>
    public Stream Body { get; }

    /// <summary>The trailer fields once <see cref="Body"/> was read to its end, if the client sent any.</summary>
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

    /// <summary>True for a WebTransport session request: extended CONNECT with <c>:protocol webtransport</c>.</summary>
    public bool IsWebTransport => Method == "CONNECT" && Protocol == "webtransport";

    /// <summary>The protocols offered in <c>wt-available-protocols</c> (an sf-list of strings), in order; empty if none.</summary>
    public IReadOnlyList<string> WebTransportAvailableProtocols =>
        GetHeader("wt-available-protocols") is { } value ? StructuredFieldStrings.ParseList(value) : [];

    /// <summary>
    /// Accepts this WebTransport request: answers 200 (with <c>wt-protocol</c> when <paramref name="protocol"/> is
    /// given, which should be one of <see cref="WebTransportAvailableProtocols"/>) and returns the session. Return
    /// from the handler only when the session is over: completing the response ends the session.
    /// </summary>
    public ValueTask<WebTransportSession> AcceptWebTransportAsync(Http3ServerResponse response, string? protocol = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        return _connection.AcceptWebTransportAsync(this, response, protocol, cancellationToken);
    }

    internal Http3MessageReader Reader => _reader;
}
