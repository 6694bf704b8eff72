namespace MoqLive.Http3;

/// <summary>
/// Routes requests by :path (without the query) to handlers; unknown paths get 404. Register routes before
/// the first request; lookups are lock-free afterwards.
/// </summary>
public sealed class Http3Router
{
    private readonly Dictionary<string, Http3RequestHandler> _routes = new(StringComparer.Ordinal);

    /// <summary>Adds a handler for an exact path such as <c>/moq</c>.</summary>
    public Http3Router Map(string path, Http3RequestHandler handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(handler);
        _routes.Add(path, handler);
        return this;
    }

    /// <summary>The handler to give to the connection.</summary>
    public ValueTask HandleAsync(Http3ServerRequest request, Http3ServerResponse response, CancellationToken cancellationToken)
    {
        string path = request.Path ?? string.Empty;
        int query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
            path = path[..query];

        if (_routes.TryGetValue(path, out Http3RequestHandler? handler))
            return handler(request, response, cancellationToken);

        response.StatusCode = 404;
        return ValueTask.CompletedTask;
    }
}
