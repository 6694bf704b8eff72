namespace MoqLive.Http3;

/// <summary>A request for <see cref="Http3Connection.SendRequestAsync"/>.</summary>
public sealed record Http3ClientRequest
{
    /// <summary>:method. Default: GET.</summary>
    public string Method { get; init; } = "GET";

    /// <summary>:scheme. Default: https.</summary>
    public string Scheme { get; init; } = "https";

    /// <summary>:authority (host[:port]).</summary>
    public required string Authority { get; init; }

    /// <summary>:path including any query. Default: /.</summary>
    public string Path { get; init; } = "/";

    /// <summary>:protocol for an extended CONNECT (RFC 9220), e.g. <c>webtransport</c>; otherwise null.</summary>
    public string? Protocol { get; init; }

    /// <summary>Header fields (lowercase names).</summary>
    public IReadOnlyList<HeaderField> Headers { get; init; } = [];

    /// <summary>The request body; empty for none.</summary>
    public ReadOnlyMemory<byte> Content { get; init; }

    /// <summary>
    /// Keep the request stream open after the headers (and content) instead of sending FIN: needed for
    /// extended CONNECT, whose stream lives as long as the tunnel. Default: false.
    /// </summary>
    public bool KeepRequestStreamOpen { get; init; }
}
