using System.Collections.Concurrent;
using System.Text;
using MoqLive.Transport;

namespace MoqLive.Testing.Scenarios;

/// <summary>
/// The server half of the WebTransport scenario shared by the Chromium page and the C# client tests, on any
/// <see cref="ITransportSession"/>: echo every client-opened bidi stream, open one uni and one bidi stream with a
/// greeting (and record the reply on the bidi one), echo every datagram, and record how the session closed.
/// </summary>
public sealed class EchoScenarioServer
{
    public const string UniGreeting = "hello from server uni";
    public const string BidiGreeting = "hello from server bidi";

    private int _datagramsReceived;

    /// <summary>Completes with the first session's close info.</summary>
    public TaskCompletionSource<TransportCloseInfo> SessionClosed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What the client wrote back on the server-opened bidi stream.</summary>
    public TaskCompletionSource<string> BidiReply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Datagrams received (retransmissions by the client included).</summary>
    public int DatagramsReceived => _datagramsReceived;

    /// <summary>The distinct payloads of the datagrams received.</summary>
    public ConcurrentDictionary<string, byte> DatagramPayloads { get; } = new();

    /// <summary>Errors seen by the server's tasks (for test diagnostics).</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>Runs the scenario on <paramref name="session"/> until it closes (or <paramref name="timeout"/> passes).</summary>
    public async Task ServeAsync(ITransportSession session, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var tasks = new List<Task>
        {
            EchoBidiStreamsAsync(session, cancellationToken),
            EchoDatagramsAsync(session, cancellationToken),
            SendServerStreamsAsync(session, cancellationToken),
        };
        TransportCloseInfo info = await session.Closed.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        SessionClosed.TrySetResult(info);
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None)
            .ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
    }

    private async Task EchoBidiStreamsAsync(ITransportSession session, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                ITransportStream stream = await session.AcceptBidirectionalStreamAsync(cancellationToken).ConfigureAwait(false);
                _ = Task.Run(() => EchoAsync(stream, cancellationToken), CancellationToken.None);
            }
        }
        catch (Exception e) when (e is TransportSessionClosedException or OperationCanceledException or IOException)
        {
        }
    }

    private async Task EchoAsync(ITransportStream stream, CancellationToken cancellationToken)
    {
        try
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                await stream.WriteAsync(buffer.AsMemory(0, read), false, cancellationToken).ConfigureAwait(false);
            await stream.CompleteWritesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Errors.Enqueue($"echo stream: {e.Message}");
        }
    }

    private async Task EchoDatagramsAsync(ITransportSession session, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                ReadOnlyMemory<byte> datagram = await session.ReceiveDatagramAsync(cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _datagramsReceived);
                DatagramPayloads.TryAdd(Encoding.UTF8.GetString(datagram.Span), 0);
                session.SendDatagram(datagram.Span);
            }
        }
        catch (Exception e) when (e is TransportSessionClosedException or OperationCanceledException or IOException)
        {
        }
    }

    private async Task SendServerStreamsAsync(ITransportSession session, CancellationToken cancellationToken)
    {
        try
        {
            ITransportSendStream uni = await session.OpenUnidirectionalStreamAsync(cancellationToken).ConfigureAwait(false);
            await uni.WriteAsync(Encoding.UTF8.GetBytes(UniGreeting), endStream: true, cancellationToken).ConfigureAwait(false);
            ITransportStream bidi = await session.OpenBidirectionalStreamAsync(cancellationToken).ConfigureAwait(false);
            await bidi.WriteAsync(Encoding.UTF8.GetBytes(BidiGreeting), endStream: true, cancellationToken).ConfigureAwait(false);
            byte[] reply = await bidi.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            BidiReply.TrySetResult(Encoding.UTF8.GetString(reply));
        }
        catch (Exception e)
        {
            Errors.Enqueue($"server streams: {e.Message}");
            BidiReply.TrySetException(e);
        }
    }
}
