using System.CommandLine;
using System.Globalization;
using System.Net;
using MoqLive.Http3;
using MoqLive.Quic;
using MoqLive.Quic.Tls;
using MoqLive.Quic.Transport;

namespace MoqLive.Cli.Commands;

/// <summary><c>moqlive h3</c>: serve files over HTTP/3 and download one, on our own QUIC stack.</summary>
internal static class H3Command
{
    private const string Alpn = "h3";

    public static Command Create(TimeProvider timeProvider) =>
        new("h3", "HTTP/3 file server and client over MoqLive's QUIC stack.")
        {
            CreateServeCommand(timeProvider),
            CreateGetCommand(timeProvider),
        };

    private static Command CreateServeCommand(TimeProvider timeProvider)
    {
        var rootOption = new Option<DirectoryInfo>("--root") { Description = "Directory whose files are served.", Required = true, HelpName = "DIR" };
        var listenOption = new Option<string>("--listen")
        {
            Description = "UDP address and port to listen on ([::] for all interfaces, dual-stack).",
            DefaultValueFactory = _ => "127.0.0.1:4433",
            HelpName = "ADDR:PORT",
        };
        listenOption.Validators.Add(r =>
        {
            if (!IPEndPoint.TryParse(r.GetValueOrDefault<string>() ?? string.Empty, out _))
                r.AddError($"--listen '{r.GetValueOrDefault<string>()}' is not an IP address and port such as 127.0.0.1:4433 or [::]:4433.");
        });
        var certOption = new Option<FileInfo>("--cert") { Description = "Certificate chain PEM (e.g. from 'moqlive cert create').", Required = true, HelpName = "PEM" };
        var keyOption = new Option<FileInfo>("--key") { Description = "Private key PEM.", Required = true, HelpName = "PEM" };
        var retryOption = new Option<bool>("--retry") { Description = "Validate each client's address with a Retry round trip first (RFC 9000 §8.1.2; costs one round trip)." };
        var command = new Command("serve", "Serve the files under --root over HTTP/3 (ALPN h3) until interrupted.")
        {
            rootOption, listenOption, certOption, keyOption, retryOption,
        };
        command.SetAction((parseResult, cancellationToken) => ServeAsync(
            parseResult.GetRequiredValue(rootOption),
            IPEndPoint.Parse(parseResult.GetRequiredValue(listenOption)),
            parseResult.GetRequiredValue(certOption),
            parseResult.GetRequiredValue(keyOption),
            parseResult.GetValue(retryOption),
            timeProvider,
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    private static Command CreateGetCommand(TimeProvider timeProvider)
    {
        var urlArgument = new Argument<string>("URL") { Description = "https:// URL to download." };
        urlArgument.Validators.Add(r =>
        {
            string text = r.GetValueOrDefault<string>() ?? string.Empty;
            if (ParseUrl(text) is null)
                r.AddError($"URL '{text}' must be an absolute https:// URL such as https://127.0.0.1:4433/file.bin.");
        });
        var outputOption = new Option<FileInfo>("--output", "-o") { Description = "File to write the body to (default: standard output).", HelpName = "FILE" };
        (Option<string> hashOption, Option<bool> insecureOption) = ClientCertificateOptions.CreateOptions();
        var command = new Command("get", "Download one URL over HTTP/3 (ALPN h3).")
        {
            urlArgument, outputOption, hashOption, insecureOption,
        };
        ClientCertificateOptions.AddValidator(command, hashOption, insecureOption);
        command.SetAction((parseResult, cancellationToken) =>
        {
            ClientCertificateOptions certificate = ClientCertificateOptions.From(parseResult, hashOption, insecureOption);
            return GetAsync(
                ParseUrl(parseResult.GetRequiredValue(urlArgument))!,
                parseResult.GetValue(outputOption),
                certificate.Validation,
                certificate.PinnedSha256,
                timeProvider,
                parseResult.InvocationConfiguration.Output,
                parseResult.InvocationConfiguration.Error,
                cancellationToken);
        });
        return command;
    }

    private static async Task<int> ServeAsync(
        DirectoryInfo root, IPEndPoint listen, FileInfo cert, FileInfo key, bool requireRetry, TimeProvider timeProvider,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!root.Exists)
        {
            await error.WriteLineAsync($"error: --root {root.FullName} does not exist.").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        TlsServerCertificate certificate;
        try
        {
            certificate = TlsServerCertificate.FromPemFiles(cert.FullName, key.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            await error.WriteLineAsync($"error: could not load the certificate {cert.FullName} / key {key.FullName}: {e.Message} (create one with 'moqlive cert create --out DIR').").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        using (certificate)
        {
            QuicListener listener;
            try
            {
                listener = await QuicListener.ListenAsync(new QuicListenerOptions
                {
                    ListenEndPoint = listen,
                    ApplicationProtocols = [Alpn],
                    ServerCertificate = certificate,
                    TimeProvider = timeProvider,
                    RequireRetry = requireRetry,
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                await error.WriteLineAsync($"error: cannot listen on UDP {listen}: {e.Message}. Pick another --listen port.").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            await using (listener.ConfigureAwait(false))
            {
                var handler = new H3StaticFileHandler(root.FullName);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Serving {root.FullName} over HTTP/3 on https://{listener.LocalEndPoint}/ (certificate SHA-256 {Convert.ToHexStringLower(certificate.LeafSha256)}). Press Ctrl+C to stop.")).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                var connections = new List<Task>();
                try
                {
                    while (true)
                    {
                        QuicConnection connection = await listener.AcceptConnectionAsync(cancellationToken).ConfigureAwait(false);
                        connections.RemoveAll(t => t.IsCompleted);
                        connections.Add(ServeConnectionAsync(connection, handler, error, cancellationToken));
                    }
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C: stop accepting, close what is open.
                }

                await Task.WhenAll(connections).ConfigureAwait(false);
            }
        }

        return ExitCodes.Success;
    }

    private static async Task ServeConnectionAsync(QuicConnection connection, H3StaticFileHandler handler, TextWriter error, CancellationToken cancellationToken)
    {
        var session = new QuicTransportSession(connection);
        var http = Http3Connection.CreateServer(session, handler.HandleAsync);
        await using (http.ConfigureAwait(false))
        {
            try
            {
                await http.StartAsync(cancellationToken).ConfigureAwait(false);
                await session.Closed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await http.CloseAsync(Http3ErrorCode.NoError, "server shutting down", CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is Http3Exception or IOException)
            {
                await error.WriteLineAsync($"connection from {connection.RemoteEndPoint} failed: {e.Message}").ConfigureAwait(false);
            }
        }
    }

    private static async Task<int> GetAsync(
        Uri url, FileInfo? outputFile, TlsCertificateValidation validation, byte[]? pinnedHash, TimeProvider timeProvider,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = new QuicClientConnectionOptions
        {
            RemoteEndPoint = QuicClientConnectionOptions.RemoteEndPointOf(url),
            ServerName = url.IdnHost,
            ApplicationProtocols = [Alpn],
            CertificateValidation = validation,
            PinnedCertificateSha256 = pinnedHash is null ? [] : [pinnedHash],
            TimeProvider = timeProvider,
        };
        try
        {
            QuicConnection connection = await QuicConnection.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
            var http = Http3Connection.CreateClient(new QuicTransportSession(connection));
            await using (http.ConfigureAwait(false))
            {
                await http.StartAsync(cancellationToken).ConfigureAwait(false);
                var request = new Http3ClientRequest { Authority = url.Authority, Path = url.PathAndQuery };
                Http3ClientResponse response = await http.SendRequestAsync(request, cancellationToken).ConfigureAwait(false);
                await using (response.ConfigureAwait(false))
                {
                    if (response.StatusCode is < 200 or > 299)
                    {
                        await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"error: {url} answered {response.StatusCode}.")).ConfigureAwait(false);
                        return ExitCodes.Failure;
                    }

                    long? length = long.TryParse(response.GetHeader("content-length"), NumberStyles.None, CultureInfo.InvariantCulture, out long l) ? l : null;
                    Stream destination = outputFile is null ? Console.OpenStandardOutput() : outputFile.Create();
                    long received;
                    await using (destination.ConfigureAwait(false))
                    {
                        received = await CopyWithProgressAsync(response.Body, destination, length, timeProvider, error, cancellationToken).ConfigureAwait(false);
                    }

                    if (length is { } expected && received != expected)
                    {
                        await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"error: received {received} of {expected} bytes.")).ConfigureAwait(false);
                        return ExitCodes.Failure;
                    }

                    if (outputFile is not null)
                        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Saved {received} bytes to {outputFile.FullName}.")).ConfigureAwait(false);
                }

                await http.CloseAsync(Http3ErrorCode.NoError, string.Empty, CancellationToken.None).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }
        catch (QuicException e)
        {
            await error.WriteLineAsync($"error: QUIC connection to {url.Authority} failed: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is Http3Exception or IOException or System.Net.Sockets.SocketException or MoqLive.Transport.TransportSessionClosedException)
        {
            await error.WriteLineAsync($"error: downloading {url} failed: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    private static async Task<long> CopyWithProgressAsync(
        Stream source, Stream destination, long? length, TimeProvider timeProvider, TextWriter error, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[256 * 1024];
        long total = 0;
        long started = timeProvider.GetTimestamp();
        TimeSpan nextReport = TimeSpan.FromSeconds(1);
        bool reported = false;
        int n;
        while ((n = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            total += n;
            TimeSpan elapsed = timeProvider.GetElapsedTime(started);
            if (elapsed >= nextReport)
            {
                nextReport = elapsed + TimeSpan.FromSeconds(1);
                reported = true;
                await error.WriteLineAsync(Progress(total, length, elapsed)).ConfigureAwait(false);
            }
        }

        if (reported)
            await error.WriteLineAsync(Progress(total, length, timeProvider.GetElapsedTime(started))).ConfigureAwait(false);
        return total;
    }

    private static string Progress(long total, long? length, TimeSpan elapsed)
    {
        double mbps = total * 8 / 1e6 / Math.Max(elapsed.TotalSeconds, 1e-3);
        return length is { } l && l > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{total / 1048576.0:0.0} / {l / 1048576.0:0.0} MiB ({100.0 * total / l:0}%), {mbps:0.0} Mbit/s")
            : string.Create(CultureInfo.InvariantCulture, $"{total / 1048576.0:0.0} MiB, {mbps:0.0} Mbit/s");
    }

    private static Uri? ParseUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out Uri? url) && url.Scheme == Uri.UriSchemeHttps ? url : null;
}
