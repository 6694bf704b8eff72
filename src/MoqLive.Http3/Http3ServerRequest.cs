using MoqLive.Http3.Internal;

namespace MoqLive.Http3;

/// <summary>A request received by the server: control data, header fields and the body (RFC 9114 §4.1).</summary>
public sealed class Http3ServerRequest
{
    private readonly Http3MessageReader _reader;

    internal Http3ServerRequest(long streamId, RequestHead head, Http3MessageReader reader)
    {
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

    internal Http3MessageReader Reader => _reader;
}
