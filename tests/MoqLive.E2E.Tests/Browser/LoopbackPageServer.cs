using System.Net;
using System.Net.Sockets;
using System.Text;
using MoqLive.Testing;

namespace MoqLive.E2E.Tests.Browser;

/// <summary>
/// Serves one small HTML page (at every path) and optionally a few other files (by exact path) over plain HTTP/1.1
/// on 127.0.0.1. The page must come from a loopback address:
/// Chromium's Local Network Access checks block a WebTransport connection to 127.0.0.1 from a page whose address
/// space is public (a Playwright-fulfilled route counts as one: ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS), and
/// http://127.0.0.1 is a secure context.
/// </summary>
internal sealed class LoopbackPageServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _response;
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly Task _loop;

    public LoopbackPageServer(string html, IReadOnlyDictionary<string, (byte[] Body, string ContentType)>? files = null)
    {
        _response = Response(Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8");
        foreach ((string path, (byte[] body, string contentType)) in files ?? new Dictionary<string, (byte[], string)>())
            _files[path] = Response(body, contentType);
        _listener.Start();
        _loop = ServeAsync();
    }

    /// <summary>
    /// A page that runs a bundle from <c>web/packages/e2e-pages/dist</c> (built by <c>npm run build -w @moqlive/e2e-pages</c>,
    /// which test.sh runs); fails with the build command when it has not been built.
    /// </summary>
    public static LoopbackPageServer ForBundle(string name) =>
        new($"<!doctype html><meta charset=\"utf-8\"><title>MoqLive E2E</title><body><script>{BundleScript(name)}</script>");

    /// <summary>The text of a bundle from <c>web/packages/e2e-pages/dist</c>; fails with the build command when it has not been built.</summary>
    public static string BundleScript(string name)
    {
        string path = Path.Combine(RepositoryRoot.Path, "web", "packages", "e2e-pages", "dist", name);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} is missing: run `npm ci && npm run build -w @moqlive/e2e-pages` in web/ (./test.sh does).", path);
        return File.ReadAllText(path);
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    private async Task ServeAsync()
    {
        try
        {
            while (true)
            {
                using TcpClient client = await _listener.AcceptTcpClientAsync(_stop.Token);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                NetworkStream stream = client.GetStream();
                var buffer = new byte[8192];
                int length = 0;
                // Read the request head; the path does not matter (favicon requests get the page too).
                while (length < buffer.Length && !Encoding.ASCII.GetString(buffer, 0, length).Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    int read = await stream.ReadAsync(buffer.AsMemory(length), timeout.Token);
                    if (read == 0)
                        break;
                    length += read;
                }

                // Request line: "GET /path HTTP/1.1".
                string[] requestLine = Encoding.ASCII.GetString(buffer, 0, length).Split(' ', 3);
                byte[] response = requestLine.Length > 1 && _files.TryGetValue(requestLine[1], out byte[]? file) ? file : _response;
                await stream.WriteAsync(response, timeout.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
    }

    private static byte[] Response(byte[] body, string contentType) => [.. Encoding.ASCII.GetBytes(
        $"HTTP/1.1 200 OK\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), .. body];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop.WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
