using System.Net;
using System.Net.Sockets;
using MoqLive.Cli;
using MoqLive.Quic.Tls;
using MoqLive.Testing;

namespace MoqLive.E2E.Tests.Interop;

/// <summary><c>moqlive h3 get</c> against <c>moqlive h3 serve</c> over loopback, both in-process.</summary>
public sealed class H3CommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("moqlive-h3-").FullName;

    [Fact]
    public async Task Get_FromServe_PinnedHash_DownloadsAndMissingFileFails()
    {
        string root = Directory.CreateDirectory(Path.Combine(_dir, "root")).FullName;
        byte[] data = new byte[300_000];
        new Random(9).NextBytes(data);
        await File.WriteAllBytesAsync(Path.Combine(root, "a.bin"), data);
        using var certificate = SelfSignedCertificate.Create(DateTimeOffset.UtcNow);
        string cert = Path.Combine(_dir, "cert.pem"), key = Path.Combine(_dir, "key.pem");
        SelfSignedCertificate.WritePemFiles(certificate, cert, key);
        string hash = Convert.ToHexStringLower(SelfSignedCertificate.ComputeSha256(certificate));
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        using var stop = new CancellationTokenSource();
        var serverOutput = new StringWriter();
        Task<int> server = Task.Run(() => MoqLiveCli.InvokeAsync(
            ["h3", "serve", "--root", root, "--listen", $"127.0.0.1:{port}", "--cert", cert, "--key", key], serverOutput, serverOutput, cancellationToken: stop.Token));
        try
        {
            string saved = Path.Combine(_dir, "out.bin");
            var output = new StringWriter();
            int exit = await MoqLiveCli.InvokeAsync(["h3", "get", $"https://127.0.0.1:{port}/a.bin", "-o", saved, "--cert-hash", hash], output, output)
                .WithTimeout(TestTimeouts.Long);
            Assert.True(exit == 0, output.ToString());
            Assert.Equal(data, await File.ReadAllBytesAsync(saved));

            var missing = new StringWriter();
            exit = await MoqLiveCli.InvokeAsync(["h3", "get", $"https://127.0.0.1:{port}/nope.bin", "-o", saved, "--cert-hash", hash], missing, missing)
                .WithTimeout(TestTimeouts.Long);
            Assert.Equal(1, exit);
            Assert.Contains("404", missing.ToString(), StringComparison.Ordinal);

            var wrongPin = new StringWriter();
            exit = await MoqLiveCli.InvokeAsync(["h3", "get", $"https://127.0.0.1:{port}/a.bin", "-o", saved, "--cert-hash", new string('0', 64)], wrongPin, wrongPin)
                .WithTimeout(TestTimeouts.Long);
            Assert.Equal(1, exit);
            Assert.Contains("QUIC connection", wrongPin.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await server.WithTimeout(TimeSpan.FromSeconds(30)));
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
