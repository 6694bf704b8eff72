using System.Globalization;
using MoqLive.Testbed.Network;
using MoqLive.Testbed.Processes;

namespace MoqLive.Testbed.Pipelines;

/// <summary>
/// The baseline's origin: nginx with libnginx-mod-rtmp in the relay namespace, from a config generated into a
/// private folder (never the system service). It accepts RTMP on <see cref="RtmpPort"/>, writes HLS with 1 s
/// fragments, and serves the fragments and the player pages over HTTP on <see cref="HttpPort"/>.
/// </summary>
public sealed class NginxRtmpOrigin : IAsyncDisposable
{
    /// <summary>RTMP port (the relay namespace is private, so the standard ports cannot collide).</summary>
    public const int RtmpPort = 1935;

    public const int HttpPort = 8080;

    /// <summary>Debian's path of the RTMP module.</summary>
    public const string ModulePath = "/usr/lib/nginx/modules/ngx_rtmp_module.so";

    private readonly BackgroundProcess _process;

    private NginxRtmpOrigin(BackgroundProcess process, string webRoot)
    {
        _process = process;
        WebRoot = webRoot;
    }

    /// <summary>Folder served at <c>/</c> (player pages go here).</summary>
    public string WebRoot { get; }

    public BackgroundProcess Process => _process;

    /// <summary>Writes the config under <paramref name="directory"/> and starts nginx on <paramref name="relay"/>.</summary>
    public static async Task<NginxRtmpOrigin> StartAsync(TestbedHost relay, string directory, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!File.Exists(ModulePath))
        {
            throw new InvalidOperationException($"{ModulePath} is missing: install nginx and libnginx-mod-rtmp (see .ci/run).");
        }

        string webRoot = Directory.CreateDirectory(Path.Combine(directory, "www")).FullName;
        string hls = Directory.CreateDirectory(Path.Combine(directory, "hls")).FullName;
        string temp = Directory.CreateDirectory(Path.Combine(directory, "tmp")).FullName;
        string config = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $$"""
            load_module {{ModulePath}};
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 1024; }
            rtmp {
              server {
                listen {{relay.Address}}:{{RtmpPort}};
                chunk_size 4096;
                application live {
                  live on;
                  record off;
                  hls on;
                  hls_path {{hls}};
                  # The baseline under test: 1 s fragments (the encoder sends a keyframe every second).
                  hls_fragment 1s;
                  hls_playlist_length 6s;
                }
              }
            }
            http {
              access_log off;
              client_body_temp_path {{temp}}/body;
              proxy_temp_path {{temp}}/proxy;
              fastcgi_temp_path {{temp}}/fastcgi;
              uwsgi_temp_path {{temp}}/uwsgi;
              scgi_temp_path {{temp}}/scgi;
              types {
                text/html html;
                application/javascript js;
                application/vnd.apple.mpegurl m3u8;
                video/mp2t ts;
              }
              server {
                listen {{relay.Address}}:{{HttpPort}};
                root {{webRoot}};
                location /hls/ {
                  alias {{hls}}/;
                  add_header Cache-Control no-cache;
                }
              }
            }
            """), cancellationToken).ConfigureAwait(false);
        var process = BackgroundProcess.Start(
            "nginx", "ip", TestbedNetwork.Exec(relay, "nginx", "-p", directory, "-c", config, "-e", Path.Combine(directory, "error.log")), time);
        var origin = new NginxRtmpOrigin(process, webRoot);
        try
        {
            await WaitForPortAsync(relay, HttpPort, time, cancellationToken).ConfigureAwait(false);
            return origin;
        }
        catch
        {
            await origin.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    /// <summary>Waits (bounded) until something listens on TCP <paramref name="port"/> inside the host's namespace.</summary>
    internal static async Task WaitForPortAsync(TestbedHost host, int port, TimeProvider time, CancellationToken cancellationToken)
    {
        string pattern = string.Create(CultureInfo.InvariantCulture, $":{port} ");
        for (int attempt = 0; attempt < 200; attempt++)
        {
            var result = await TestbedNetwork.RunOnAsync(host, "ss", ["-ltnH"], TimeSpan.FromSeconds(20), cancellationToken).ConfigureAwait(false);
            if (result.StandardOutput.Contains(pattern, StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"Nothing listens on TCP port {port} in {host.Namespace} after 20 s.");
    }
}
