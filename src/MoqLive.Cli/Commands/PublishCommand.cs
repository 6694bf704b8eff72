using System.CommandLine;
using System.Globalization;
using MoqLive.Media;
using MoqLive.Media.Publishing;
using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session;
using MoqLive.Quic;
using MoqLive.Transport;

namespace MoqLive.Cli.Commands;

/// <summary>
/// <c>moqlive publish URL --channel NAME --media FILE|- [--loop] [--title T]</c>: a channel (catalog, video, audio) from
/// fragmented MP4 or MPEG-TS in real time (docs/media-format.md); or <c>moqlive publish URL --namespace NS --track T [--input FILE|-]
/// [--clock]</c>: one track from standard input, a file, or a clock (one group per second, one object per 100 ms carrying
/// its send time). Both PUBLISH_NAMESPACE to a relay and serve its SUBSCRIBE/FETCH.
/// </summary>
internal static class PublishCommand
{
    private const int ChunkSize = 64 * 1024;
    private static readonly TimeSpan ClockInterval = TimeSpan.FromMilliseconds(100);
    private const int ClockObjectsPerGroup = 10;

    public static Command Create(TimeProvider timeProvider)
    {
        var url = MoqtCommandOptions.CreateUrlArgument();
        var ns = MoqtCommandOptions.CreateNamespaceOption(required: false);
        var track = MoqtCommandOptions.CreateTrackOption(required: false);
        var input = new Option<string>("--input", "-i") { Description = "File to publish, or '-' for standard input (the default without --clock).", HelpName = "FILE|-" };
        var clock = new Option<bool>("--clock") { Description = "Publish a clock: one group per second, one object per 100 ms whose payload is its send time." };
        var count = new Option<int?>("--count") { Description = "With --clock: stop after this many objects (default: until Ctrl+C).", HelpName = "N" };
        count.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1)
                r.AddError("--count must be at least 1.");
        });
        var channel = new Option<string>("--channel", "-c") { Description = "With --media: the channel to publish, namespace live/NAME (1-64 of A-Z a-z 0-9 _ -).", HelpName = "NAME" };
        channel.Validators.Add(r =>
        {
            string name = r.GetValueOrDefault<string>() ?? string.Empty;
            if (!ChannelTracks.IsValidName(name))
                r.AddError($"--channel '{name}' must be 1 to {ChannelTracks.MaxNameLength} characters of A-Z, a-z, 0-9, _ and -.");
        });
        var media = new Option<string>("--media", "-m") { Description = "Fragmented MP4 (H.264/VP9 video, Opus audio) or MPEG-TS (H.264 video; told apart by content) to publish as the channel's tracks and catalog, or '-' for standard input (ffmpeg ... -f mpegts -omit_video_pes_length 0 -, or -f mp4 -movflags frag_every_frame+empty_moov+default_base_moof -).", HelpName = "FILE|-" };
        var loop = new Option<bool>("--loop") { Description = "With --media FILE: start the file again when it ends (timestamps and group IDs keep increasing)." };
        var title = new Option<string>("--title") { Description = "With --media: the channel title in the catalog.", HelpName = "T" };
        var (hash, insecure) = ClientCertificateOptions.CreateOptions();
        var command = new Command("publish", "Publish a channel from fragmented MP4 or MPEG-TS (--channel, --media), or one track (stdin, a file, or a clock) to a MoqLive relay.")
        {
            url, ns, track, input, clock, count, channel, media, loop, title, hash, insecure,
        };
        ClientCertificateOptions.AddValidator(command, hash, insecure);
        command.Validators.Add(r =>
        {
            bool isMedia = r.GetValue(channel) is not null || r.GetValue(media) is not null;
            if (isMedia)
            {
                if (r.GetValue(channel) is null || r.GetValue(media) is null)
                    r.AddError("--channel and --media go together: --channel NAME --media FILE|-.");
                if (r.GetValue(ns) is not null || r.GetValue(track) is not null || r.GetValue(input) is not null || r.GetValue(clock) || r.GetValue(count) is not null)
                    r.AddError("--channel/--media publish a whole channel; leave out --namespace, --track, --input, --clock and --count.");
                if (r.GetValue(loop) && r.GetValue(media) == "-")
                    r.AddError("--loop needs a file: standard input cannot be read twice.");
                return;
            }
            if (r.GetValue(loop) || r.GetValue(title) is not null)
                r.AddError("--loop and --title go with --channel NAME --media FILE.");
            if (r.GetValue(ns) is null || r.GetValue(track) is null)
                r.AddError("Pass --namespace NS and --track T (one track), or --channel NAME --media FILE|- (a channel).");
            if (r.GetValue(clock) && r.GetValue(input) is not null)
                r.AddError("Pass either --input or --clock, not both.");
        });
        command.SetAction((parseResult, cancellationToken) =>
        {
            Uri target = MoqtClientConnection.ParseUrl(parseResult.GetRequiredValue(url))!;
            ClientCertificateOptions tls = ClientCertificateOptions.From(parseResult, hash, insecure);
            TextWriter output = parseResult.InvocationConfiguration.Output;
            TextWriter error = parseResult.InvocationConfiguration.Error;
            if (parseResult.GetValue(media) is { } mediaPath)
            {
                var options = new MediaPublishOptions
                {
                    Channel = parseResult.GetRequiredValue(channel),
                    Title = parseResult.GetValue(title) ?? string.Empty,
                    Loop = parseResult.GetValue(loop),
                    Live = mediaPath == "-",
                    TimeProvider = timeProvider,
                };
                return RunMediaAsync(target, mediaPath, options, tls, timeProvider, output, error, cancellationToken);
            }
            return RunAsync(
                target,
                MoqtCommandOptions.ParseNamespace(parseResult.GetRequiredValue(ns))!,
                parseResult.GetRequiredValue(track),
                parseResult.GetValue(clock) ? null : parseResult.GetValue(input) ?? "-",
                parseResult.GetValue(count),
                tls,
                timeProvider,
                output,
                error,
                cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        Uri url, TrackNamespace ns, string trackName, string? input, int? count, ClientCertificateOptions tls, TimeProvider timeProvider,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        using var producer = new TrackProducer(new TrackInfo(FullTrackName.Create(ns, trackName)));
        var publisher = new TrackSetPublisher([producer]);
        MoqtClientConnection? connection = await ConnectAsync(url, tls, publisher, timeProvider, error, cancellationToken).ConfigureAwait(false);
        if (connection is null)
            return ExitCodes.Failure;

        await using (connection.ConfigureAwait(false))
        {
            try
            {
                IAsyncDisposable? announcement = await PublishNamespaceAsync(connection, ns, publisher, error, cancellationToken).ConfigureAwait(false);
                if (announcement is null)
                    return ExitCodes.Failure;

                await output.WriteLineAsync($"Publishing {MoqtCommandOptions.Describe(ns)} / {trackName} to {url} ({(input is null ? "clock" : input == "-" ? "standard input" : input)}).").ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                await using (announcement.ConfigureAwait(false))
                {
                    long objects = input is null
                        ? await PublishClockAsync(producer, count, timeProvider, connection.Session, cancellationToken).ConfigureAwait(false)
                        : await PublishStreamAsync(producer, input, connection.Session, cancellationToken).ConfigureAwait(false);
                    producer.Complete();
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Published {objects} objects.")).ConfigureAwait(false);
                    // Let subscribers' streams drain before the session closes (bounded).
                    await DrainAsync(connection.Session, timeProvider).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                producer.Complete();
                await output.WriteLineAsync("Stopped.").ConfigureAwait(false);
            }
            catch (Exception e) when (e is MoqtSessionException or TransportSessionClosedException or QuicException)
            {
                await error.WriteLineAsync($"error: the session with {url} ended: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            catch (FileNotFoundException e)
            {
                await error.WriteLineAsync($"error: --input {e.FileName} does not exist.").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        }

        return ExitCodes.Success;
    }

    private static async Task<int> RunMediaAsync(
        Uri url, string path, MediaPublishOptions options, ClientCertificateOptions tls, TimeProvider timeProvider,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        string source = path == "-" ? "standard input" : path;
        MediaChannelPublisher media;
        try
        {
            // The input is checked before any network work: a wrong file fails fast with what to change.
            media = await MediaChannelPublisher.OpenAsync(() => OpenInput(path), options, cancellationToken).ConfigureAwait(false);
        }
        catch (MediaFormatException e)
        {
            await error.WriteLineAsync($"error: --media {source}: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"error: --media {source} cannot be opened: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Failure;
        }

        using (media)
        {
            MoqtClientConnection? connection = await ConnectAsync(url, tls, media.Publisher, timeProvider, error, cancellationToken).ConfigureAwait(false);
            if (connection is null)
                return ExitCodes.Failure;
            await using (connection.ConfigureAwait(false))
            {
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                try
                {
                    // docs/media-format.md "Publishing": PUBLISH every track before the namespace and before the first object.
                    foreach ((FullTrackName track, PublishResult result) in await media.Publisher.PublishTracksAsync(connection.Session, cancellationToken).ConfigureAwait(false))
                    {
                        if (!result.IsOk)
                            await error.WriteLineAsync($"warning: the relay refused PUBLISH {track}: REQUEST_ERROR {result.ErrorCode}: {result.Reason}; it will subscribe instead.").ConfigureAwait(false);
                    }

                    IAsyncDisposable? announcement = await PublishNamespaceAsync(connection, media.Namespace, media.Publisher, error, cancellationToken).ConfigureAwait(false);
                    if (announcement is null)
                        return ExitCodes.Failure;
                    await output.WriteLineAsync($"Publishing channel {MoqtCommandOptions.Describe(media.Namespace)} to {url} from {source}{(options.Loop ? " (looped)" : "")}: {DescribeTracks(media)}.").ConfigureAwait(false);
                    await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    await using (announcement.ConfigureAwait(false))
                    {
                        Task<MediaPublishStatistics> run = media.RunAsync(stop.Token);
                        if (await Task.WhenAny(run, connection.Session.Closed).ConfigureAwait(false) != run)
                        {
                            // The session ended: stop publishing (a looped file would otherwise run on unseen).
                            await stop.CancelAsync().ConfigureAwait(false);
                            await Task.WhenAny(run).ConfigureAwait(false);
                            await error.WriteLineAsync($"error: the session with {url} ended: {connection.Session.Closed.Result}").ConfigureAwait(false);
                            return ExitCodes.Failure;
                        }
                        MediaPublishStatistics stats = await run.ConfigureAwait(false);
                        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                            $"Published {stats.VideoObjects} video frames in {stats.VideoGroups} groups and {stats.AudioObjects} audio packets.")).ConfigureAwait(false);
                        await DrainAsync(connection.Session, timeProvider).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    await output.WriteLineAsync("Stopped.").ConfigureAwait(false);
                }
                catch (MediaFormatException e)
                {
                    await error.WriteLineAsync($"error: --media {source}: {e.Message}").ConfigureAwait(false);
                    return ExitCodes.Failure;
                }
                catch (Exception e) when (e is MoqtSessionException or TransportSessionClosedException or QuicException)
                {
                    await error.WriteLineAsync($"error: the session with {url} ended: {e.Message}").ConfigureAwait(false);
                    return ExitCodes.Failure;
                }
            }
        }

        return ExitCodes.Success;
    }

    private static Stream OpenInput(string path) =>
        path == "-" ? Console.OpenStandardInput() : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);

    private static string DescribeTracks(MediaChannelPublisher media) =>
        string.Join(", ", media.Catalog.Tracks.Select(t => t.Role == "video"
            ? string.Create(CultureInfo.InvariantCulture, $"{t.Name} {t.Codec} {t.Width}x{t.Height} {t.Framerate} fps {t.Bitrate / 1000} kbit/s")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Name} {t.Codec} {t.Samplerate} Hz {t.ChannelConfig} ch {t.Bitrate / 1000} kbit/s")));

    private static async Task<MoqtClientConnection?> ConnectAsync(
        Uri url, ClientCertificateOptions tls, IPublisher publisher, TimeProvider timeProvider, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            return await MoqtClientConnection.ConnectAsync(url, tls, publisher, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (Exception e) when (ClientErrors.IsConnectFailure(e))
        {
            await error.WriteLineAsync(ClientErrors.DescribeConnectFailure(url, e)).ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>PUBLISH_NAMESPACE; null (after printing the relay's REQUEST_ERROR) when refused.</summary>
    private static async Task<IAsyncDisposable?> PublishNamespaceAsync(
        MoqtClientConnection connection, TrackNamespace ns, IPublisher publisher, TextWriter error, CancellationToken cancellationToken)
    {
        PublishNamespaceResult result = await connection.Session.PublishNamespaceAsync(ns, publisher, cancellationToken).ConfigureAwait(false);
        if (result.IsOk)
            return result.Value!;
        await error.WriteLineAsync($"error: the relay refused PUBLISH_NAMESPACE {MoqtCommandOptions.Describe(ns)}: REQUEST_ERROR {result.ErrorCode} ({(ulong)result.ErrorCode:x}): {result.Reason}").ConfigureAwait(false);
        return null;
    }

    private static async Task<long> PublishClockAsync(TrackProducer producer, int? count, TimeProvider timeProvider, MoqtSession session, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ClockInterval, timeProvider);
        long sent = 0;
        ulong groupId = 0;
        while (count is null || sent < count)
        {
            GroupProducer group = producer.CreateGroup(groupId);
            SubgroupProducer subgroup = group.CreateSubgroup(0);
            for (ulong objectId = 0; objectId < ClockObjectsPerGroup && (count is null || sent < count); objectId++)
            {
                if (sent > 0 && !await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                    break;
                ThrowIfEnded(session);
                subgroup.Write(objectId, MoqtPayload.Wrap(ClockPayload.Create(timeProvider.GetUtcNow())));
                sent++;
            }
            subgroup.Complete();
            group.Complete();
            groupId++;
        }
        return sent;
    }

    private static async Task<long> PublishStreamAsync(TrackProducer producer, string input, MoqtSession session, CancellationToken cancellationToken)
    {
        Stream source = input == "-" ? Console.OpenStandardInput() : new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
        await using (source.ConfigureAwait(false))
        {
            // One group, one subgroup: the bytes stay in order on one stream.
            GroupProducer group = producer.CreateGroup(0);
            SubgroupProducer subgroup = group.CreateSubgroup(0);
            byte[] buffer = new byte[ChunkSize];
            ulong objectId = 0;
            int n;
            while ((n = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                ThrowIfEnded(session);
                subgroup.Write(objectId++, MoqtPayload.Create(buffer.AsSpan(0, n)));
            }
            subgroup.Complete();
            group.Complete();
            return (long)objectId;
        }
    }

    private static void ThrowIfEnded(MoqtSession session)
    {
        if (session.Closed.IsCompleted)
            throw new TransportSessionClosedException(session.Closed.Result);
    }

    private static async Task DrainAsync(MoqtSession session, TimeProvider timeProvider)
    {
        try
        {
            await session.Closed.WaitAsync(TimeSpan.FromSeconds(1), timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Normal: we close it ourselves now.
        }
    }
}
