using System.Globalization;
using MoqLive.Http3;

namespace MoqLive.Cli.Commands;

/// <summary>Serves the files under a root directory to HTTP/3 GET and HEAD requests (for <c>moqlive h3 serve</c>).</summary>
internal sealed class H3StaticFileHandler
{
    private const int ChunkSize = 64 * 1024;
    private readonly string _root;

    public H3StaticFileHandler(string root)
    {
        _root = Path.GetFullPath(root);
    }

    public async ValueTask HandleAsync(Http3ServerRequest request, Http3ServerResponse response, CancellationToken cancellationToken)
    {
        if (request.Method is not ("GET" or "HEAD"))
        {
            response.StatusCode = 405;
            response.Headers.Add(new HeaderField("allow", "GET, HEAD"));
            await response.CompleteAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        string? path = Resolve(request.Path);
        if (path is null)
        {
            response.StatusCode = 404;
            await response.CompleteAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (file.ConfigureAwait(false))
        {
            response.Headers.Add(new HeaderField("content-length", file.Length.ToString(CultureInfo.InvariantCulture)));
            response.Headers.Add(new HeaderField("content-type", "application/octet-stream"));
            if (request.Method == "HEAD")
            {
                await response.CompleteAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                return;
            }

            byte[] buffer = new byte[ChunkSize];
            int n;
            while ((n = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                await response.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            await response.CompleteAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The file for a request path, or null when missing or outside the root.</summary>
    private string? Resolve(string? requestPath)
    {
        string path = requestPath ?? "/";
        int query = path.IndexOfAny(['?', '#']);
        if (query >= 0)
            path = path[..query];
        path = Uri.UnescapeDataString(path).TrimStart('/');
        string full = Path.GetFullPath(Path.Combine(_root, path));
        string rootWithSeparator = _root.EndsWith(Path.DirectorySeparatorChar) ? _root : _root + Path.DirectorySeparatorChar;
        if (full != _root && !full.StartsWith(rootWithSeparator, StringComparison.Ordinal))
            return null;
        if (Directory.Exists(full))
            full = Path.Combine(full, "index.html");
        return File.Exists(full) ? full : null;
    }
}
