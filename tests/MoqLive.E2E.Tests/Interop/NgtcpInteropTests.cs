using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using MoqLive.Cli;
using MoqLive.Quic.Tls;
using MoqLive.Testing;

namespace MoqLive.E2E.Tests.Interop;

/// <summary>
/// HTTP/3 interop with ngtcp2 0.12 (Debian's gtlsclient/gtlsserver, ALPN h3): each side downloads a 10 MB file from
/// the other, without and with the peer's simulated 5% loss both ways, and the SHA-256 must match. Our side is the
/// CLI's code path (<c>moqlive h3 serve</c> / <c>moqlive h3 get</c>) run in-process. Everything binds to 127.0.0.1.
/// </summary>
public sealed class NgtcpInteropTests : IDisposable
{
    private const string GtlsClient = "/usr/bin/gtlsclient";
    private const string GtlsServer = "/usr/sbin/gtlsserver";
    private const int FileSize = 10 * 1024 * 1024;
    private static readonly TimeSpan s_transferTimeout = TimeSpan.FromSeconds(120);

    private readonly string _dir;
    private readonly string _root;
    private readonly string _certPath;
    private readonly string _keyPath;
    private readonly string _fileHash;

    public NgtcpInteropTests()
    {
        _dir = Directory.CreateTempSubdirectory("moqlive-interop-").FullName;
        _root = Directory.CreateDirectory(Path.Combine(_dir, "root")).FullName;
        byte[] data = new byte[FileSize];
        new Random(42).NextBytes(data);
        File.WriteAllBytes(Path.Combine(_root, "file.bin"), data);
        _fileHash = Convert.ToHexStringLower(SHA256.HashData(data));
        _certPath = Path.Combine(_dir, "cert.pem");
        _keyPath = Path.Combine(_dir, "key.pem");
        using var certificate = SelfSignedCertificate.Create(DateTimeOffset.UtcNow);
        SelfSignedCertificate.WritePemFiles(certificate, _certPath, _keyPath);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.05)]
    public async Task GtlsClient_DownloadsTenMegabytesFromH3Serve_HashMatches(double loss)
    {
        RequireTool(GtlsClient);
        int port = FreeUdpPort();
        using var stop = new CancellationTokenSource();
        var serverOutput = new StringWriter();
        Task<int> server = Task.Run(() => MoqLiveCli.InvokeAsync(
            ["h3", "serve", "--root", _root, "--listen", $"127.0.0.1:{port}", "--cert", _certPath, "--key", _keyPath],
            serverOutput, serverOutput, cancellationToken: stop.Token));
        string download = Directory.CreateDirectory(Path.Combine(_dir, "download")).FullName;
        try
        {
            var args = new List<string> { "-q", "--exit-on-all-streams-close", "--download", download, "--timeout=30s" };
            if (loss > 0) args.AddRange(["-r", Format(loss), "-t", Format(loss)]);
            args.AddRange(["127.0.0.1", port.ToString(CultureInfo.InvariantCulture), $"https://127.0.0.1:{port}/file.bin"]);
            await using var client = ExternalProcess.Start(GtlsClient, args);
            int exit = await client.WaitForExitAsync(s_transferTimeout);

            string saved = Path.Combine(download, "file.bin");
            Assert.True(exit == 0 && File.Exists(saved),
                $"gtlsclient exited with {exit}. Its output:\n{ExternalProcess.Tail(client.Output)}\nh3 serve:\n{serverOutput}");
            Assert.Equal(_fileHash, Hash(saved));
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await server.WithTimeout(TimeSpan.FromSeconds(30)));
        }
    }

    [Fact]
    public async Task GtlsClient_FollowsRetryFromH3ServeWithRetry_DownloadHashMatches()
    {
        RequireTool(GtlsClient);
        int port = FreeUdpPort();
        byte[] small = new byte[256 * 1024];
        new Random(7).NextBytes(small);
        File.WriteAllBytes(Path.Combine(_root, "small.bin"), small);
        using var stop = new CancellationTokenSource();
        var serverOutput = new StringWriter();
        Task<int> server = Task.Run(() => MoqLiveCli.InvokeAsync(
            ["h3", "serve", "--root", _root, "--listen", $"127.0.0.1:{port}", "--cert", _certPath, "--key", _keyPath, "--retry"],
            serverOutput, serverOutput, cancellationToken: stop.Token));
        string download = Directory.CreateDirectory(Path.Combine(_dir, "download-retry")).FullName;
        try
        {
            // Not quiet: ngtcp2's packet log shows the Retry it received and the retry_source_connection_id it checked.
            await using var client = ExternalProcess.Start(GtlsClient,
                ["--exit-on-all-streams-close", "--download", download, "--timeout=30s",
                    "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), $"https://127.0.0.1:{port}/small.bin"]);
            int exit = await client.WaitForExitAsync(s_transferTimeout);

            string saved = Path.Combine(download, "small.bin");
            Assert.True(exit == 0 && File.Exists(saved),
                $"gtlsclient exited with {exit}. Its output:\n{ExternalProcess.Tail(client.Output)}\nh3 serve:\n{serverOutput}");
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(small)), Hash(saved));
            Assert.Contains("type=Retry", client.Output, StringComparison.Ordinal);
            Assert.Contains("retry_source_connection_id=", client.Output, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await server.WithTimeout(TimeSpan.FromSeconds(30)));
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.05)]
    public async Task H3Get_DownloadsTenMegabytesFromGtlsServer_HashMatches(double loss)
    {
        RequireTool(GtlsServer);
        int port = FreeUdpPort();
        var args = new List<string> { "-q", "-d", _root };
        if (loss > 0) args.AddRange(["-r", Format(loss), "-t", Format(loss)]);
        args.AddRange(["127.0.0.1", port.ToString(CultureInfo.InvariantCulture), _keyPath, _certPath]);
        await using var server = ExternalProcess.Start(GtlsServer, args);

        string saved = Path.Combine(_dir, "got.bin");
        var output = new StringWriter();
        // The handshake retransmits until gtlsserver is up, so no readiness probe is needed.
        int exit = await MoqLiveCli.InvokeAsync(
                ["h3", "get", $"https://127.0.0.1:{port}/file.bin", "-o", saved, "--insecure"], output, output)
            .WithTimeout(s_transferTimeout);

        Assert.True(exit == 0, $"h3 get exited with {exit}:\n{output}\ngtlsserver:\n{ExternalProcess.Tail(server.Output)}");
        Assert.Equal(_fileHash, Hash(saved));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void RequireTool(string path)
    {
        Assert.True(File.Exists(path),
            $"{path} is missing. Install ngtcp2's example programs (Debian packages ngtcp2-client and ngtcp2-server); .ci/run installs them.");
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static string Format(double p) => p.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
