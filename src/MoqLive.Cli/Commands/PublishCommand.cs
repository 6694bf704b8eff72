using System.CommandLine;
using System.Globalization;
using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session;
using MoqLive.Quic;
using MoqLive.Transport;

namespace MoqLive.Cli.Commands;

/// <summary>
/// <c>moqlive publish URL --namespace NS --track T [--input FILE|-] [--clock]</c>: PUBLISH_NAMESPACE to a relay and serve
/// one track from standard input, a file, or a clock (one group per second, one object per 100 ms carrying its send time).
/// </summary>
internal static class PublishCommand
{
    private const int ChunkSize = 64 * 1024;
    private static readonly TimeSpan ClockInterval = TimeSpan.FromMilliseconds(100);
    private const int ClockObjectsPerGroup = 10;

    public static Command Create(TimeProvider timeProvider)
    {
        var url = MoqtCommandOptions.CreateUrlArgument();
        var ns = MoqtCommandOptions.CreateNamespaceOption();
        var track = MoqtCommandOptions.CreateTrackOption();
        var input = new Option<string>("--input", "-i") { Description = "File to publish, or '-' for standard input (the default without --clock).", HelpName = "FILE|-" };
        var clock = new Option<bool>("--clock") { Description = "Publish a clock: one group per second, one object per 100 ms whose payload is its send time." };
        var count = new Option<int?>("--count") { Description = "With --clock: stop after this many objects (default: until Ctrl+C).", HelpName = "N" };
        count.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1)
                r.AddError("--count must be at least 1.");
        });
        var (hash, insecure) = ClientCertificateOptions.CreateOptions();
        var command = new Command("publish", "Publish a track to a MoqLive relay (stdin, a file, or a clock).")
        {
            url, ns, track, input, clock, count, hash, insecure,
        };
        ClientCertificateOptions.AddValidator(command, hash, insecure);
        command.Validators.Add(r =>
        {
            if (r.GetValue(clock) && r.GetValue(input) is not null)
                r.AddError("Pass either --input or --clock, not both.");
        });
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            MoqtClientConnection.ParseUrl(parseResult.GetRequiredValue(url))!,
            MoqtCommandOptions.ParseNamespace(parseResult.GetRequiredValue(ns))!,
            parseResult.GetRequiredValue(track),
            parseResult.GetValue(clock) ? null : parseResult.GetValue(input) ?? "-",
            parseResult.GetValue(count),
            ClientCertificateOptions.From(parseResult, hash, insecure),
            timeProvider,
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        Uri url, TrackNamespace ns, string trackName, string? input, int? count, ClientCertificateOptions tls, TimeProvider timeProvider,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        using var producer = new TrackProducer(new TrackInfo(FullTrackName.Create(ns, trackName)));
        var publisher = new SingleTrackPublisher(producer);
        MoqtClientConnection connection;
        try
        {
            connection = await MoqtClientConnection.ConnectAsync(url, tls, publisher, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Failure;
        }
        catch (Exception e) when (ClientErrors.IsConnectFailure(e))
        {
            await error.WriteLineAsync(ClientErrors.DescribeConnectFailure(url, e)).ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        await using (connection.ConfigureAwait(false))
        {
            try
            {
                PublishNamespaceResult result = await connection.Session.PublishNamespaceAsync(ns, publisher, cancellationToken).ConfigureAwait(false);
                if (!result.IsOk)
                {
                    await error.WriteLineAsync($"error: the relay refused PUBLISH_NAMESPACE {MoqtCommandOptions.Describe(ns)}: REQUEST_ERROR {result.ErrorCode} ({(ulong)result.ErrorCode:x}): {result.Reason}").ConfigureAwait(false);
                    return ExitCodes.Failure;
                }

                await output.WriteLineAsync($"Publishing {MoqtCommandOptions.Describe(ns)} / {trackName} to {url} ({(input is null ? "clock" : input == "-" ? "standard input" : input)}).").ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                await using (result.Value!.ConfigureAwait(false))
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
