using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MoqLive.Cli.Commands;
using MoqLive.Media.Catalog;
using MoqLive.Moqt.Model;
using MoqLive.Quic.Tls;
using MoqLive.Testing;

namespace MoqLive.E2E.Tests.Server;

/// <summary>
/// <c>moqlive publish --channel --media</c> → <c>moqlive serve</c> → <c>moqlive subscribe</c> over real QUIC on loopback:
/// the committed test fMP4 looped, and ffmpeg encoding live into <c>--media -</c> through a pipe. The subscriber reads the
/// catalog (MSF JSON) and video objects whose LOC TIMESTAMPs increase. Binds 127.0.0.1 only.
/// </summary>
public sealed partial class MediaPublishTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    [GeneratedRegex(@"MOQT raw QUIC\s+(moqt://\S+)")]
    private static partial Regex MoqtUrlPattern();

    [GeneratedRegex(@"Certificate SHA-256: ([0-9a-f]{64})")]
    private static partial Regex HashPattern();

    private static string TestFile => Path.Combine(RepositoryRoot.Path, "testdata", "media", "testsrc2-320x180-h264-opus.mp4");

    [Fact]
    public async Task PublishMediaFileLooped_SubscriberGetsCatalogAndIncreasingTimestamps()
    {
        await using CliHost server = CliHost.Start("serve", "--listen", "127.0.0.1:0", "--log-level", "Warning");
        await server.WaitForOutputAsync("Press Ctrl+C", StartTimeout);
        string url = MoqtUrlPattern().Match(server.Output).Groups[1].Value;
        string hash = HashPattern().Match(server.Output).Groups[1].Value;

        await using CliHost publisher = CliHost.Start("publish", url, "--channel", "e2e-file", "--media", TestFile, "--loop", "--title", "E2E file", "--cert-hash", hash);
        await publisher.WaitForOutputAsync("Publishing channel live/e2e-file", StartTimeout);
        Assert.Contains("video/hd avc1.64000d 320x180 30 fps", publisher.Output, StringComparison.Ordinal);

        MsfCatalog catalog = await ReadCatalogAsync(url, "live/e2e-file", hash);
        Assert.Equal("E2E file", catalog.Title);
        Assert.Equal(["video/hd", "audio"], catalog.Tracks.Select(t => t.Name));
        Assert.NotNull(catalog.Tracks[0].InitData);

        // 100 frames at 30 fps span more than one pass of the 3 s file, so the loop boundary is crossed.
        long[] timestamps = await ReadVideoTimestampsAsync(url, "live/e2e-file", hash, 100);
        for (int i = 1; i < timestamps.Length; i++)
            Assert.True(timestamps[i] > timestamps[i - 1], $"TIMESTAMP went back at object {i}: {timestamps[i - 1]} then {timestamps[i]}");
        Assert.InRange(timestamps[^1] - timestamps[0], 3_000_000, 30_000_000);

        Assert.Equal(0, await publisher.StopAsync(RunTimeout));
        Assert.Equal(0, await server.StopAsync(RunTimeout));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FfmpegPipedIntoPublishMediaStdin_SubscriberGetsLiveVideo(bool mpegTs)
    {
        await using CliHost server = CliHost.Start("serve", "--listen", "127.0.0.1:0", "--log-level", "Warning");
        await server.WaitForOutputAsync("Press Ctrl+C", StartTimeout);
        string url = MoqtUrlPattern().Match(server.Output).Groups[1].Value;
        string hash = HashPattern().Match(server.Output).Groups[1].Value;

        // The README's command lines, on a test source in real time (-re): fragmented MP4 with Opus, or MPEG-TS (video only).
        string[] output = mpegTs
            ? ["-an", "-f", "mpegts", "-omit_video_pes_length", "0", "-flush_packets", "1", "-"]
            : ["-c:a", "libopus", "-b:a", "64k", "-f", "mp4", "-movflags", "frag_keyframe+empty_moov+default_base_moof", "-"];
        using Process ffmpeg = Start("ffmpeg",
            ["-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30", "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
             "-t", "40", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-bf", "0", "-g", "30", "-pix_fmt", "yuv420p", .. output],
            redirectInput: false);
        using Process moqlive = Start("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "moqlive.dll"), "publish", url, "--channel", "e2e-pipe", "--media", "-", "--title", "ffmpeg", "--cert-hash", hash],
            redirectInput: true);
        var publisherOutput = new StringBuilder();
        moqlive.OutputDataReceived += (_, e) => { lock (publisherOutput) publisherOutput.AppendLine(e.Data); };
        moqlive.ErrorDataReceived += (_, e) => { lock (publisherOutput) publisherOutput.AppendLine(e.Data); };
        moqlive.BeginOutputReadLine();
        moqlive.BeginErrorReadLine();
        Task pump = PumpAsync(ffmpeg.StandardOutput.BaseStream, moqlive.StandardInput.BaseStream);
        try
        {
            using (var limit = new CancellationTokenSource(StartTimeout))
            {
                while (!Text(publisherOutput).Contains("Publishing channel live/e2e-pipe", StringComparison.Ordinal))
                {
                    Assert.False(moqlive.HasExited, $"moqlive publish exited: {Text(publisherOutput)}");
                    await Task.Delay(100, limit.Token);
                }
            }

            MsfCatalog catalog = await ReadCatalogAsync(url, "live/e2e-pipe", hash);
            Assert.Equal("ffmpeg", catalog.Title);
            MsfCatalogTrack video = catalog.Tracks.Single(t => t.Name == "video/hd");
            Assert.StartsWith("avc1.", video.Codec, StringComparison.Ordinal);
            Assert.Equal((320, 180, 30.0), (video.Width, video.Height, video.Framerate));
            Assert.Equal(mpegTs ? null : "opus", catalog.Tracks.SingleOrDefault(t => t.Name == "audio")?.Codec);

            (long[] timestamps, double[] latencies) = await ReadVideoAsync(url, "live/e2e-pipe", hash, 60);
            for (int i = 1; i < timestamps.Length; i++)
                Assert.True(timestamps[i] > timestamps[i - 1], $"TIMESTAMP went back at object {i}");
            // Live objects (after the cached catch-up) arrive close to their TIMESTAMP: publisher and subscriber share a clock.
            double[] live = [.. latencies.Skip(40)];
            Assert.True(live.Order().ElementAt(live.Length / 2) < 500, $"median latency too high: {string.Join(", ", live)}");
        }
        finally
        {
            Kill(ffmpeg);
            Kill(moqlive);
            await Task.WhenAny(pump, Task.Delay(TimeSpan.FromSeconds(10)));
        }
        Assert.Equal(0, await server.StopAsync(RunTimeout));
    }

    /// <summary>
    /// The current catalog, read as the audience app joins: SUBSCRIBE (new objects only) plus a relative joining FETCH of
    /// the current group, which holds one independent catalog (docs/media-format.md).
    /// </summary>
    private static async Task<MsfCatalog> ReadCatalogAsync(string url, string ns, string hash)
    {
        using var cts = new CancellationTokenSource(RunTimeout);
        var tls = new ClientCertificateOptions(TlsCertificateValidation.PinnedSha256, Convert.FromHexString(hash));
        MoqtClientConnection connection = await MoqtClientConnection.ConnectAsync(new Uri(url), tls, null, TimeProvider.System, cts.Token);
        await using (connection)
        {
            var name = FullTrackName.Create(MoqtCommandOptions.ParseNamespace(ns)!, "catalog");
            FetchResult fetch;
            TrackConsumer? track = null;
            try
            {
                for (int attempt = 1; ; attempt++)
                {
                    track?.Dispose();
                    SubscribeResult subscribe = await connection.Session.SubscribeAsync(name, SubscribeOptions.Default, cts.Token);
                    Assert.True(subscribe.IsOk, $"SUBSCRIBE catalog: {subscribe.Reason}");
                    track = subscribe.Value!.Track;
                    fetch = await connection.Session.FetchAsync(FetchRequest.RelativeJoining(track, 0), cts.Token);
                    // The relay answers INVALID_RANGE when nothing reached it yet; a client tries again (bounded).
                    if (fetch.IsOk || attempt == 5)
                        break;
                    await Task.Delay(500, cts.Token);
                }
                Assert.True(fetch.IsOk, $"joining FETCH catalog: {fetch.Reason}");
                using FetchConsumer objects = fetch.Value!.Objects;
                ObjectReadResult read = await objects.ReadObjectAsync(cts.Token);
                if (read.Status == ObjectReadStatus.End)
                {
                    // The fetch ends where the subscription starts: when that is the catalog's first object, the
                    // catalog arrives on the subscription instead.
                    TrackReadResult group = await track.NextGroupAsync(cts.Token);
                    SubgroupConsumer subgroup = (await group.Group!.NextSubgroupAsync(cts.Token))!;
                    read = await subgroup.ReadObjectAsync(cts.Token);
                }
                Assert.Equal(ObjectReadStatus.Object, read.Status);
                MoqtObject obj = read.Object!;
                try
                {
                    return MsfCatalogJson.Parse(obj.Payload.Span);
                }
                finally
                {
                    obj.Release();
                }
            }
            finally
            {
                track?.Dispose();
            }
        }
    }

    private static async Task<long[]> ReadVideoTimestampsAsync(string url, string ns, string hash, int count) =>
        (await ReadVideoAsync(url, ns, hash, count)).Timestamps;

    private static async Task<(long[] Timestamps, double[] Latencies)> ReadVideoAsync(string url, string ns, string hash, int count)
    {
        await using CliHost subscriber = CliHost.Start("subscribe", url, "--namespace", ns, "--track", "video/hd", "--json", "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cert-hash", hash);
        int exit = await subscriber.Exit.WaitAsync(RunTimeout);
        Assert.True(exit == 0, $"subscribe video exited {exit}: {subscriber.Error}");
        JsonElement[] objects = [.. subscriber.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];
        Assert.Equal(count, objects.Length);
        // Lines come as objects arrive; order them by location (groups are read concurrently).
        objects = [.. objects.OrderBy(o => o.GetProperty("group").GetUInt64()).ThenBy(o => o.GetProperty("object").GetUInt64())];
        return ([.. objects.Select(o => o.GetProperty("timestamp").GetInt64())], [.. objects.Select(o => o.GetProperty("latencyMs").GetDouble())]);
    }

    private static Process Start(string fileName, string[] arguments, bool redirectInput)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = true,
            RedirectStandardError = redirectInput,
            UseShellExecute = false,
        };
        foreach (string a in arguments)
            info.ArgumentList.Add(a);
        try
        {
            return Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Cannot start {fileName} ({e.Message}); .ci/run installs ffmpeg (apt-get install ffmpeg).", e);
        }
    }

    private static async Task PumpAsync(Stream from, Stream to)
    {
        try
        {
            await from.CopyToAsync(to);
        }
        catch (IOException)
        {
            // The reader was killed at the end of the test.
        }
        finally
        {
            try
            {
                await to.DisposeAsync();
            }
            catch (IOException)
            {
                // Broken pipe: the reader is gone.
            }
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private static string Text(StringBuilder builder)
    {
        lock (builder)
            return builder.ToString();
    }
}
