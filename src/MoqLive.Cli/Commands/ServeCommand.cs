using System.CommandLine;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MoqLive.Server;

namespace MoqLive.Cli.Commands;

/// <summary>
/// <c>moqlive serve</c>: runs the MoqLive server (relay, UDP QUIC endpoint split by ALPN, HTTPS site) until Ctrl+C.
/// Settings come from appsettings.json (current folder), then <c>MOQLIVE_</c> environment variables, then these flags.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(TimeProvider timeProvider)
    {
        var listen = new Option<string>("--listen") { Description = $"Address and port, UDP (QUIC) and TCP (HTTPS) (default {MoqLiveServerDefaults.Listen}; [::]:PORT for all interfaces).", HelpName = "ADDR:PORT" };
        listen.Validators.Add(r =>
        {
            if (!IPEndPoint.TryParse(r.GetValueOrDefault<string>() ?? string.Empty, out _))
                r.AddError($"--listen '{r.GetValueOrDefault<string>()}' is not an IP address and port such as 127.0.0.1:4443 or [::]:4443.");
        });
        var cert = new Option<string>("--cert") { Description = "Certificate chain PEM (default: a development certificate is created).", HelpName = "PEM" };
        var key = new Option<string>("--key") { Description = "Private key PEM of --cert.", HelpName = "PEM" };
        var webRoot = new Option<string>("--web-root") { Description = "Folder of static files (the web apps) for the HTTPS site.", HelpName = "DIR" };
        var moqtPath = new Option<string>("--moqt-path") { Description = $"WebTransport path of MOQT sessions (default {MoqLiveServerDefaults.MoqtPath}).", HelpName = "PATH" };
        var origins = new Option<string[]>("--allowed-origin") { Description = "Origin allowed to open WebTransport sessions; repeatable (default: any).", HelpName = "ORIGIN", AllowMultipleArgumentsPerToken = false };
        var cacheGroups = new Option<int?>("--cache-groups") { Description = $"Relay cache: groups kept per track (default {MoqLiveServerDefaults.CacheMaxGroups}).", HelpName = "N" };
        var cacheBytes = new Option<long?>("--cache-bytes") { Description = $"Relay cache: bytes kept per track (default {MoqLiveServerDefaults.CacheMaxBytes}).", HelpName = "N" };
        var cacheAge = new Option<double?>("--cache-age") { Description = $"Relay cache: seconds a group is kept, 0 = no limit (default {MoqLiveServerDefaults.CacheMaxAgeSeconds}).", HelpName = "SECONDS" };
        var lag = new Option<int?>("--max-lag-groups") { Description = $"Groups a subscriber may fall behind before it loses whole groups (default {MoqLiveServerDefaults.MaxSubscriberLagGroups}).", HelpName = "N" };
        var retry = new Option<bool>("--retry") { Description = "Validate each QUIC client's address with a Retry round trip first (RFC 9000 §8.1.2; costs one round trip)." };
        var logLevel = new Option<LogLevel>("--log-level") { Description = "Console log level.", DefaultValueFactory = _ => LogLevel.Information, HelpName = "LEVEL" };
        var command = new Command("serve", "Run the MoqLive relay: MOQT over QUIC and WebTransport on one UDP port, and the HTTPS site.")
        {
            listen, cert, key, webRoot, moqtPath, origins, cacheGroups, cacheBytes, cacheAge, lag, logLevel, retry,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var overrides = new List<KeyValuePair<string, string?>>();
            void Add(string name, string? value)
            {
                if (value is not null)
                    overrides.Add(KeyValuePair.Create(name, (string?)value));
            }
            Add(nameof(MoqLiveServerOptions.Listen), parseResult.GetValue(listen));
            Add(nameof(MoqLiveServerOptions.CertificatePath), parseResult.GetValue(cert));
            Add(nameof(MoqLiveServerOptions.PrivateKeyPath), parseResult.GetValue(key));
            Add(nameof(MoqLiveServerOptions.WebRoot), parseResult.GetValue(webRoot));
            Add(nameof(MoqLiveServerOptions.MoqtPath), parseResult.GetValue(moqtPath));
            string[] originValues = parseResult.GetValue(origins) ?? [];
            for (int i = 0; i < originValues.Length; i++)
                Add($"{nameof(MoqLiveServerOptions.AllowedOrigins)}:{i.ToString(CultureInfo.InvariantCulture)}", originValues[i]);
            Add(nameof(MoqLiveServerOptions.CacheMaxGroups), parseResult.GetValue(cacheGroups)?.ToString(CultureInfo.InvariantCulture));
            Add(nameof(MoqLiveServerOptions.CacheMaxBytes), parseResult.GetValue(cacheBytes)?.ToString(CultureInfo.InvariantCulture));
            Add(nameof(MoqLiveServerOptions.CacheMaxAgeSeconds), parseResult.GetValue(cacheAge)?.ToString(CultureInfo.InvariantCulture));
            Add(nameof(MoqLiveServerOptions.MaxSubscriberLagGroups), parseResult.GetValue(lag)?.ToString(CultureInfo.InvariantCulture));
            if (parseResult.GetValue(retry)) Add(nameof(MoqLiveServerOptions.RequireRetry), "true");
            return RunAsync(overrides, parseResult.GetValue(logLevel), timeProvider,
                parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        List<KeyValuePair<string, string?>> overrides, LogLevel logLevel, TimeProvider timeProvider,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        MoqLiveServerOptions options;
        try
        {
            options = MoqLiveServerConfiguration.Load(MoqLiveServerConfiguration.Build(Directory.GetCurrentDirectory(), overrides));
        }
        catch (OptionsValidationException e)
        {
            foreach (string failure in e.Failures)
                await error.WriteLineAsync($"error: {failure}").ConfigureAwait(false);
            await error.WriteLineAsync("(settings come from appsettings.json, MOQLIVE_* environment variables and the flags of 'moqlive serve --help')").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidDataException)
        {
            await error.WriteLineAsync($"error: invalid configuration: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        using ILoggerFactory loggerFactory = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(logLevel)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss.fff ";
            }));
        MoqLiveServer server;
        try
        {
            server = await MoqLiveServer.StartAsync(options, loggerFactory, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException)
        {
            await error.WriteLineAsync($"error: cannot listen on {options.Listen}: {e.Message}. Pick another port with --listen or MOQLIVE_Listen.").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            await error.WriteLineAsync($"error: could not load the certificate {options.CertificatePath} / key {options.PrivateKeyPath}: {e.Message} (create one with 'moqlive cert create --out DIR', or omit --cert/--key for a development certificate).").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        await using (server.ConfigureAwait(false))
        {
            string hash = Convert.ToHexStringLower(server.Certificate.Sha256);
            await output.WriteLineAsync($"""
                MoqLive relay running. Open:
                  Web (HTTPS)         {server.WebUrl}
                  MOQT WebTransport   {server.WebTransportUrl}  (protocol moqt-19)
                  MOQT raw QUIC       {server.MoqtUrl}
                  Channels / stats    {server.WebUrl}api/channels  {server.WebUrl}api/stats
                Certificate SHA-256: {hash}
                  {(server.Certificate.IsDevelopment ? $"development certificate, valid until {server.Certificate.Current.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC; pages read it from {server.WebUrl}certificate.sha256" : "from " + options.CertificatePath)}
                Try:
                  moqlive publish {server.MoqtUrl} --namespace demo --track clock --clock --cert-hash {hash}
                  moqlive subscribe {server.MoqtUrl} --namespace demo --track clock --json --cert-hash {hash}
                Web apps: {server.WebRoot ?? "none (set --web-root)"}
                Press Ctrl+C to stop.
                """).ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await output.WriteLineAsync("Shutting down...").ConfigureAwait(false);
            }
        }

        await output.WriteLineAsync("Stopped.").ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
