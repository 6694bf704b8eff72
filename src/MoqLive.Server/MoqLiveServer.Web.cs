using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using MoqLive.Media.Publishing;
using MoqLive.Moqt.Model;
using MoqLive.Relay;

namespace MoqLive.Server;

// The HTTPS site: Kestrel over TCP on the QUIC port's number, with the same certificate.
public sealed partial class MoqLiveServer
{
    private WebApplication? _web;

    /// <summary>The web root in use, or null when no static files are served.</summary>
    public string? WebRoot { get; private set; }

    private async Task StartWebAsync(CancellationToken cancellationToken)
    {
        WebRoot = _options.WebRoot is { } configured ? Path.GetFullPath(configured)
            : Directory.Exists(Path.Combine(AppContext.BaseDirectory, "wwwroot")) ? Path.Combine(AppContext.BaseDirectory, "wwwroot")
            : null;
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddSingleton(_loggerFactory);
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, EmbeddedHostLifetime>();
        builder.WebHost.UseKestrelCore();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(UdpEndPoint.Address, UdpEndPoint.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    // Read per handshake, so a renewed development certificate is picked up.
                    ServerCertificateSelector = (_, _) => Certificate.Current,
                });
            });
        });

        WebApplication app = builder.Build();
        app.UseRouting();
        if (WebRoot is not null)
        {
            var files = new PhysicalFileProvider(WebRoot);
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.Use((context, next) => ServePageAsync(context, files, next));
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }
        else
        {
            app.MapGet("/", () => Results.Content(IndexPage(), "text/html; charset=utf-8"));
        }

        app.MapGet("/certificate.sha256", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers.AccessControlAllowOrigin = "*";
            return Results.Text(Convert.ToHexStringLower(Certificate.Sha256) + "\n", "text/plain; charset=utf-8");
        });
        app.MapGet("/api/certificate", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers.AccessControlAllowOrigin = "*";
            return Results.Json(CertificateInfo());
        });
        app.MapGet("/api/channels", () => Results.Json(ChannelsInfo()));
        app.MapGet("/api/stats", (string? gc) => Results.Json(StatsInfo(fullGc: gc == "full" && _options.HeapDiagnostics)));
        app.MapGet("/api/time", (HttpContext context) =>
        {
            // Pages estimate their clock offset from this (min-RTT sample, NTP-style) for glass-to-glass latency.
            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(TimeInfo(_timeProvider));
        });

        _web = app;
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new IOException($"Cannot listen on TCP {UdpEndPoint} for the HTTPS site: {e.Message}", e);
        }
    }

    private async Task StopWebAsync()
    {
        if (_web is null)
            return;
        try
        {
            await _web.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5), _timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Long-lived requests are cut.
        }
        await _web.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Serves the web root's HTML pages with <see cref="WithConnectionInfo"/>: a page then connects without first fetching
    /// <c>/certificate.sha256</c> (one HTTPS round trip, 10–170 ms of a join: issue 5), and a page asked for with
    /// <c>?channel=NAME</c> also gets the channel's current catalog when the relay has it cached (<see cref="ChannelCatalogAsync"/>).
    /// Never cached, since the development certificate is renewed while the server runs. Other files go to the static-file
    /// middleware.
    /// </summary>
    private Task ServePageAsync(HttpContext context, PhysicalFileProvider files, Func<Task> next)
    {
        // UseDefaultFiles has already rewritten a folder's path to its index.html.
        if (!(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            || !context.Request.Path.Value!.EndsWith(".html", StringComparison.OrdinalIgnoreCase)
            || files.GetFileInfo(context.Request.Path.Value) is not { Exists: true, IsDirectory: false, PhysicalPath: { } path })
        {
            return next();
        }

        return WritePageAsync(context, path);
    }

    private async Task WritePageAsync(HttpContext context, string path)
    {
        string html = await File.ReadAllTextAsync(path, context.RequestAborted).ConfigureAwait(false);
        string? catalog = await ChannelCatalogAsync(Relay, context.Request.Query["channel"].ToString(), context.RequestAborted).ConfigureAwait(false);
        byte[] body = Encoding.UTF8.GetBytes(WithConnectionInfo(html, Convert.ToHexStringLower(Certificate.Sha256), _options.MoqtPath, catalog));
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentLength = body.Length;
        if (HttpMethods.IsGet(context.Request.Method))
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// The current catalog of channel <paramref name="channel"/> (docs/media-format.md: its newest catalog object, MSF
    /// JSON) as the relay's cache holds it, or null: no such channel name, the relay does not carry the channel's catalog
    /// (nobody watches it yet), or the object is not UTF-8 or over <see cref="MaxPageCatalogBytes"/>. Only the cache is
    /// read, so a page is never held up by a round trip to the publisher. With it the audience page configures its video
    /// decoder and canvas and subscribes to the tracks the catalog names as it loads, before its catalog subscription is
    /// answered (issue 5).
    /// </summary>
    internal static async ValueTask<string?> ChannelCatalogAsync(MoqtRelay relay, string? channel, CancellationToken cancellationToken)
    {
        if (!ChannelTracks.IsValidName(channel))
            return null;
        byte[]? payload = await relay.LatestCachedPayloadAsync(FullTrackName.Create(ChannelTracks.Namespace(channel!), ChannelTracks.Catalog), cancellationToken)
            .ConfigureAwait(false);
        if (payload is null || payload.Length > MaxPageCatalogBytes)
            return null;
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(payload);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>The largest catalog <see cref="ChannelCatalogAsync"/> puts in a page (a two-rendition catalog is about 1 KiB).</summary>
    internal const int MaxPageCatalogBytes = 64 * 1024;

    /// <summary>
    /// <paramref name="html"/> with what a page needs to open its WebTransport session put in its head, so it connects
    /// without asking the server first: <c>&lt;meta name="moqlive-certificate-sha256"&gt;</c> (the hex SHA-256 of the
    /// certificate, as <c>/certificate.sha256</c> serves it) and <c>&lt;meta name="moqlive-moqt-path"&gt;</c> (the
    /// WebTransport path of MOQT sessions); with <paramref name="catalog"/>, also <c>&lt;meta name="moqlive-catalog"&gt;</c>
    /// (the channel's current catalog JSON, see <see cref="ChannelCatalogAsync"/>). A page without them (Vite's dev server)
    /// fetches the hash and waits for its catalog subscription.
    /// </summary>
    internal static string WithConnectionInfo(string html, string certificateSha256, string moqtPath, string? catalog = null)
    {
        string meta = string.Create(CultureInfo.InvariantCulture,
            $"""<meta name="moqlive-certificate-sha256" content="{WebUtility.HtmlEncode(certificateSha256)}" /><meta name="moqlive-moqt-path" content="{WebUtility.HtmlEncode(moqtPath)}" />""");
        if (catalog is not null)
            meta += string.Create(CultureInfo.InvariantCulture, $"""<meta name="moqlive-catalog" content="{WebUtility.HtmlEncode(catalog)}" />""");
        int head = html.IndexOf("</head>", StringComparison.OrdinalIgnoreCase);
        return head < 0 ? meta + html : html.Insert(head, meta);
    }

    /// <summary>What a page needs for <c>serverCertificateHashes</c>: <c>{ algorithm: "sha-256", value }</c>.</summary>
    internal object CertificateInfo()
    {
        byte[] hash = Certificate.Sha256;
        return new
        {
            algorithm = "sha-256",
            sha256 = Convert.ToHexStringLower(hash),
            base64 = Convert.ToBase64String(hash),
            value = hash.Select(b => (int)b).ToArray(),
            notBefore = Certificate.Current.NotBefore.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            notAfter = Certificate.Current.NotAfter.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            development = Certificate.IsDevelopment,
        };
    }

    /// <summary>The live channels: <c>name</c> is NAME of the channel namespace <c>["live", NAME]</c>.</summary>
    internal object ChannelsInfo() => Channels.Snapshot().Select(ns => new
    {
        name = Encoding.UTF8.GetString(ns[1].Span),
        @namespace = Enumerable.Range(0, ns.Count).Select(i => Encoding.UTF8.GetString(ns[i].Span)).ToArray(),
    }).ToArray();

    /// <summary>The server's wall clock: <c>{ unixMicros }</c>, microseconds since the Unix epoch.</summary>
    internal static object TimeInfo(TimeProvider timeProvider) => new
    {
        unixMicros = (timeProvider.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond,
    };

    internal object StatsInfo(bool fullGc)
    {
        var m = Relay.Metrics;
        return new
        {
            sessions = new { active = Sessions.ActiveSessions, total = Sessions.TotalSessions },
            relay = new
            {
                tracks = m.Tracks,
                tracksAwaitingPublisher = m.TracksAwaitingPublisher,
                downstreamSubscriptions = m.DownstreamSubscriptions,
                objectsIn = m.ObjectsIn,
                bytesIn = m.BytesIn,
                objectsOut = m.ObjectsOut,
                bytesOut = m.BytesOut,
                droppedGroups = m.DroppedGroups,
                bytesCached = m.BytesCached,
                upstreamSubscribes = m.UpstreamSubscribes,
                downstreamSubscribes = m.DownstreamSubscribes,
                publishDoneSent = m.PublishDoneSent,
                publisherResumes = m.PublisherResumes,
                chatOversizedDropped = m.ChatOversizedDropped,
                chatOverRateDropped = m.ChatOverRateDropped,
            },
            process = ProcessInfo(fullGc),
        };
    }

    /// <summary>
    /// For <c>moqlive bench fanout</c>: the managed heap as of the last GC and allocations so far; with
    /// <paramref name="fullGc"/> (<see cref="MoqLiveServerOptions.HeapDiagnostics"/>) also the live heap right after a full
    /// compacting collection, which, unlike the heap size or RSS, holds no garbage and no memory the GC kept in reserve.
    /// </summary>
    internal static object ProcessInfo(bool fullGc)
    {
        long? live = null;
        if (fullGc)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            live = GC.GetTotalMemory(forceFullCollection: false);
        }

        return new
        {
            gcHeapBytes = GC.GetGCMemoryInfo().HeapSizeBytes,
            gcLiveBytes = live,
            gcTotalAllocatedBytes = GC.GetTotalAllocatedBytes(),
            gcCollections = GC.CollectionCount(0),
        };
    }

    private string IndexPage()
    {
        string hash = Convert.ToHexStringLower(Certificate.Sha256);
        return string.Create(CultureInfo.InvariantCulture, $"""
            <!doctype html><meta charset="utf-8"><title>MoqLive</title>
            <h1>MoqLive relay</h1>
            <p>MOQT over WebTransport: <code>{WebUtility.HtmlEncode(WebTransportUrl.ToString())}</code> (protocol <code>moqt-19</code>)</p>
            <p>MOQT over QUIC: <code>{WebUtility.HtmlEncode(MoqtUrl.ToString())}</code></p>
            <p>Certificate SHA-256: <code>{hash}</code> (<a href="/certificate.sha256">/certificate.sha256</a>, <a href="/api/certificate">/api/certificate</a>)</p>
            <p><a href="/api/channels">/api/channels</a> · <a href="/api/stats">/api/stats</a></p>
            <p>No web apps are configured (WebRoot).</p>
            """);
    }
}
