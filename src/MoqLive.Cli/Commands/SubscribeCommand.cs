using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MoqLive.Media.Loc;
using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session;
using MoqLive.Quic;
using MoqLive.Transport;

namespace MoqLive.Cli.Commands;

/// <summary>
/// <c>moqlive subscribe URL --namespace NS --track T [--json]</c>: SUBSCRIBE through a relay and print the payloads, or one
/// JSON line per object (group, subgroup, object, size, and latency for clock objects and LOC objects with a TIMESTAMP).
/// </summary>
internal static class SubscribeCommand
{
    public static Command Create(TimeProvider timeProvider)
    {
        var url = MoqtCommandOptions.CreateUrlArgument();
        var ns = MoqtCommandOptions.CreateNamespaceOption();
        var track = MoqtCommandOptions.CreateTrackOption();
        var json = new Option<bool>("--json") { Description = "Print one JSON line per object instead of the payloads." };
        var count = new Option<int?>("--count") { Description = "Exit after this many objects (default: until the track ends or Ctrl+C).", HelpName = "N" };
        count.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1)
                r.AddError("--count must be at least 1.");
        });
        var (hash, insecure) = ClientCertificateOptions.CreateOptions();
        var command = new Command("subscribe", "Subscribe to a track through a MoqLive relay and print what arrives.")
        {
            url, ns, track, json, count, hash, insecure,
        };
        ClientCertificateOptions.AddValidator(command, hash, insecure);
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            MoqtClientConnection.ParseUrl(parseResult.GetRequiredValue(url))!,
            MoqtCommandOptions.ParseNamespace(parseResult.GetRequiredValue(ns))!,
            parseResult.GetRequiredValue(track),
            parseResult.GetValue(json),
            parseResult.GetValue(count),
            ClientCertificateOptions.From(parseResult, hash, insecure),
            timeProvider,
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        Uri url, TrackNamespace ns, string trackName, bool json, int? count, ClientCertificateOptions tls, TimeProvider timeProvider,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        MoqtClientConnection connection;
        try
        {
            connection = await MoqtClientConnection.ConnectAsync(url, tls, null, timeProvider, cancellationToken).ConfigureAwait(false);
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
                var name = FullTrackName.Create(ns, trackName);
                SubscribeResult result = await connection.Session.SubscribeAsync(name, SubscribeOptions.Default, cancellationToken).ConfigureAwait(false);
                if (!result.IsOk)
                {
                    await error.WriteLineAsync($"error: SUBSCRIBE {MoqtCommandOptions.Describe(ns)} / {trackName} refused: REQUEST_ERROR {result.ErrorCode} (0x{(ulong)result.ErrorCode:x}): {result.Reason}").ConfigureAwait(false);
                    return ExitCodes.Failure;
                }

                using TrackConsumer consumer = result.Value!.Track;
                long received = await ReadAsync(consumer, json, count, timeProvider, output, error, cancellationToken).ConfigureAwait(false);
                if (!json)
                    await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Received {received} objects.")).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C: unsubscribe and close.
            }
            catch (Exception e) when (e is MoqtSessionException or TransportSessionClosedException or QuicException)
            {
                await error.WriteLineAsync($"error: the session with {url} ended: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        }

        return ExitCodes.Success;
    }

    private static async Task<long> ReadAsync(
        TrackConsumer consumer, bool json, int? count, TimeProvider timeProvider, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        Stream? raw = json ? null : (output == Console.Out ? Console.OpenStandardOutput() : null);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var outputLock = new SemaphoreSlim(1, 1);
        long received = 0;
        var readers = new List<Task>();

        // Groups are read concurrently: a group's subgroup list is only known complete at END_OF_GROUP, so waiting for
        // it before starting the next group would stall a live track by a group.
        async Task ReadGroupAsync(GroupConsumer group)
        {
            while (await group.NextSubgroupAsync(done.Token).ConfigureAwait(false) is { } subgroup)
            {
                while (true)
                {
                    ObjectReadResult read = await subgroup.ReadObjectAsync(done.Token).ConfigureAwait(false);
                    if (read.Status != ObjectReadStatus.Object)
                        break;
                    MoqtObject obj = read.Object!;
                    try
                    {
                        if (obj.Status != ObjectStatus.Normal)
                            continue;
                        await outputLock.WaitAsync(done.Token).ConfigureAwait(false);
                        try
                        {
                            if (count is not null && received >= count)
                                return;
                            received++;
                            if (json)
                                await output.WriteLineAsync(FormatJson(obj, timeProvider.GetUtcNow())).ConfigureAwait(false);
                            else if (raw is not null)
                                await raw.WriteAsync(obj.Payload.Memory, done.Token).ConfigureAwait(false);
                            else
                                await output.WriteAsync(System.Text.Encoding.UTF8.GetString(obj.Payload.Span)).ConfigureAwait(false);
                            if (json)
                                await output.FlushAsync(done.Token).ConfigureAwait(false);
                            if (count is not null && received >= count)
                                await done.CancelAsync().ConfigureAwait(false);
                        }
                        finally
                        {
                            outputLock.Release();
                        }
                    }
                    finally
                    {
                        obj.Release();
                    }
                }
            }
        }

        try
        {
            while (!done.IsCancellationRequested)
            {
                TrackReadResult next = await consumer.NextGroupAsync(done.Token).ConfigureAwait(false);
                if (next.IsEnd)
                {
                    await Task.WhenAll(readers).ConfigureAwait(false);
                    await error.WriteLineAsync($"Track ended: {next.End?.StatusCode} {next.End?.Reason}").ConfigureAwait(false);
                    break;
                }
                if (next.LostGroups > 0)
                    await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Lost {next.LostGroups} groups.")).ConfigureAwait(false);
                readers.RemoveAll(t => t.IsCompletedSuccessfully);
                readers.Add(ReadGroupAsync(next.Group!));
            }
        }
        catch (OperationCanceledException) when (done.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // --count reached.
        }
        finally
        {
            await done.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(readers).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Readers stopped by --count or Ctrl+C.
            }
            if (raw is not null)
                await raw.DisposeAsync().ConfigureAwait(false);
        }
        cancellationToken.ThrowIfCancellationRequested();
        return received;
    }

    internal static string FormatJson(MoqtObject obj, DateTimeOffset now)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("group", obj.GroupId);
            writer.WriteNumber("subgroup", obj.SubgroupId);
            writer.WriteNumber("object", obj.ObjectId);
            writer.WriteNumber("size", obj.Payload.Length);
            if (ClockPayload.TryParse(obj.Payload.Span, out DateTimeOffset sent))
            {
                writer.WriteString("sent", sent.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                writer.WriteNumber("latencyMs", Math.Round((now - sent).TotalMilliseconds, 3));
            }
            else if (LocProperties.TryGetTimestamp(obj.Properties, out long captured))
            {
                // LOC TIMESTAMP (docs/media-format.md): capture time in µs since the epoch; glass-to-glass on one machine.
                writer.WriteNumber("timestamp", captured);
                writer.WriteNumber("latencyMs", Math.Round((now - DateTimeOffset.UnixEpoch).TotalMilliseconds - captured / 1000.0, 3));
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
