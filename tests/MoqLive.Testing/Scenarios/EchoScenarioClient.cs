using System.Text;
using MoqLive.Transport;

namespace MoqLive.Testing.Scenarios;

/// <summary>What <see cref="EchoScenarioClient.RunAsync"/> saw.</summary>
public sealed record EchoScenarioResult(
    int EchoLength, bool EchoEqual, string UniText, string BidiText, IReadOnlySet<string> DatagramsEchoed, int DatagramRounds);

/// <summary>
/// The client half of the scenario of <see cref="EchoScenarioServer"/>, mirroring the Chromium page
/// (tests/MoqLive.E2E.Tests/Browser/webtransport-page.js): echo 1 MB on a client-opened bidi stream, read the
/// server-opened uni and bidi streams (replying on the bidi one), exchange datagrams, then close with a code and reason.
/// </summary>
/// <remarks>
/// Datagrams are unreliable (RFC 9221 §5) and every queue on the way is bounded and drops (WebTransportSession's
/// receive queue drops the oldest), so the client sends each payload <c>datagram i</c>, collects the distinct echoes,
/// and resends the ones not yet echoed, in rounds, until all came back or the rounds are used up. A round trip of
/// every payload is then a fair thing to require on a loss-free path however loaded the machine is.
/// </remarks>
public static class EchoScenarioClient
{
    public const string BidiReply = "reply from chromium";

    public static async Task<EchoScenarioResult> RunAsync(
        ITransportSession session, int datagrams, ulong closeCode, string reason, int maxDatagramRounds = 20, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);

        // 1 MB echo on a client-opened bidi stream, written and read concurrently (flow control would stall a
        // write-then-read of more than the windows).
        byte[] data = new byte[1 << 20];
        for (int i = 0; i < data.Length; i++)
            data[i] = (byte)((i * 7) + (i >> 10));
        ITransportStream bidi = await session.OpenBidirectionalStreamAsync(cancellationToken).ConfigureAwait(false);
        Task<byte[]> echoed = bidi.ReadToEndAsync(cancellationToken);
        await bidi.WriteAsync(data, endStream: true, cancellationToken).ConfigureAwait(false);
        byte[] back = await echoed.ConfigureAwait(false);

        ITransportReceiveStream uni = await session.AcceptUnidirectionalStreamAsync(cancellationToken).ConfigureAwait(false);
        string uniText = Encoding.UTF8.GetString(await uni.ReadToEndAsync(cancellationToken).ConfigureAwait(false));

        ITransportStream serverBidi = await session.AcceptBidirectionalStreamAsync(cancellationToken).ConfigureAwait(false);
        string bidiText = Encoding.UTF8.GetString(await serverBidi.ReadToEndAsync(cancellationToken).ConfigureAwait(false));
        await serverBidi.WriteAsync(Encoding.UTF8.GetBytes(BidiReply), endStream: true, cancellationToken).ConfigureAwait(false);

        (HashSet<string> seen, int rounds) = await ExchangeDatagramsAsync(session, datagrams, maxDatagramRounds, cancellationToken).ConfigureAwait(false);

        await session.CloseAsync(closeCode, reason, cancellationToken).ConfigureAwait(false);
        return new EchoScenarioResult(back.Length, back.AsSpan().SequenceEqual(data), uniText, bidiText, seen, rounds);
    }

    private static async Task<(HashSet<string> Seen, int Rounds)> ExchangeDatagramsAsync(
        ITransportSession session, int count, int maxRounds, CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>();
        var allEchoed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stopReceiving = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task receiving = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    ReadOnlyMemory<byte> datagram = await session.ReceiveDatagramAsync(stopReceiving.Token).ConfigureAwait(false);
                    lock (seen)
                    {
                        seen.Add(Encoding.UTF8.GetString(datagram.Span));
                        if (seen.Count >= count)
                            allEchoed.TrySetResult();
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or TransportSessionClosedException)
            {
            }
        }, CancellationToken.None);

        int rounds = 0;
        while (true)
        {
            string[] missing;
            lock (seen)
                missing = [.. Enumerable.Range(0, count).Select(i => $"datagram {i}").Where(p => !seen.Contains(p))];
            if (missing.Length == 0 || rounds == maxRounds)
                break;
            rounds++;
            foreach (string payload in missing)
                session.SendDatagram(Encoding.UTF8.GetBytes(payload));
            await Task.WhenAny(allEchoed.Task, Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System, cancellationToken)).ConfigureAwait(false);
        }

        await stopReceiving.CancelAsync().ConfigureAwait(false);
        await receiving.ConfigureAwait(false);
        lock (seen)
            return ([.. seen], rounds);
    }
}
