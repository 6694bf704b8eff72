namespace MoqLive.Http3.Internal;

/// <summary>The validated control data and header fields of a request (RFC 9114 §4.3.1).</summary>
internal sealed record RequestHead(
    string Method,
    string? Scheme,
    string? Authority,
    string? Path,
    string? Protocol,
    IReadOnlyList<HeaderField> Headers,
    long? ContentLength);
