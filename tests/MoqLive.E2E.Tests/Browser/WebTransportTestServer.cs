using System.Collections.Concurrent;
using System.Net;
using MoqLive.Http3;
using MoqLive.Http3.WebTransport;
using MoqLive.Quic;
using MoqLive.Quic.Tls;
using MoqLive.Quic.Transport;
using MoqLive.Testing;
using MoqLive.Transport;

namespace MoqLive.E2E.Tests.Browser;

/// <summary>
/// A minimal WebTransport server for browser tests: QUIC on 127.0.0.1 with ALPN h3, HTTP/3 with the WebTransport
/// SETTINGS, and on each accepted session the scenario Chromium's page expects: echo every client-opened bidi
/// stream, open one uni and one bidi stream with a greeting, echo datagrams, and record how the session closed.
/// </summary>
internal sealed class WebTransportTestServer : IAsyncDisposable
{
    public const string UniGreeting = "hello from server uni";
    public const string BidiGreeting = "hello from server bidi";

    private readonly QuicListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly ConcurrentBag<Task> _tasks = [];

    private WebTransportTestServer(QuicListener listener, TlsServerCertificate certificate)
    {
        _listener = listener;
        Certificate = certificate;
        _acceptLoop = AcceptLoopAsync();
    }

    public TlsServerCertificate Certificate { get; }

    public int Port => _listener.LocalEndPoint.Port;

    /// <summary>Completes with the first WebTransport session's close info.</summary>
    public TaskCompletionSource<TransportCloseInfo> SessionClosed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The protocol the server selected for the first session (from wt-available-protocols), or null.</summary>
    public string? SelectedProtocol { get; private set; }

    /// <summary>What the page wrote back on the server-opened bidi stream.</summary>
    public TaskCompletionSource<string> BidiReply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int DatagramsReceived => _datagramsReceived;

    /// <summary>The payloads of the datagrams received, in order (for diagnostics).</summary>
    public ConcurrentQueue<string> DatagramPayloads { get; } = new();

    private int _datagramsReceived;

    /// <summary>Errors seen by the server's tasks (for test diagnostics).</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    public static async Task<WebTransportTestServer> StartAsync()
    {
        var certificate = TlsServerCertificate.FromCertificate(SelfSignedCertificate.Create(DateTimeOffset.UtcNow));
        var listener = await QuicListener.ListenAsync(new QuicListenerOptions
        {
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            ApplicationProtocols = ["h3"],
            ServerCertificate = certificate,
            ConnectionOptions = QuicDefaults.ConnectionOptions with { MaxIncomingUniStreams = 100, MaxIncomingBidiStreams = 100 },
        });
        return new WebTransportTestServer(listener, certificate);
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                QuicConnection connection = await _listener.AcceptConnectionAsync(_stop.Token);
                _tasks.Add(ServeConnectionAsync(connection));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
        }
        catch (Exception e)
        {
            Errors.Enqueue($"accept: {e}");
        }
    }

    private async Task ServeConnectionAsync(QuicConnection connection)
    {
        var session = new QuicTransportSession(connection);
        var http = Http3Connection.CreateServer(session, HandleRequestAsync, new Http3ConnectionOptions
        {
            AdditionalSettings = WebTransportSettings.Server(),
        });
        await using (http)
        {
            try
            {
                await http.StartAsync(_stop.Token);
                await session.Closed.WaitAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                Errors.Enqueue($"connection: {e}");
            }
        }
    }

    private async ValueTask HandleRequestAsync(Http3ServerRequest request, Http3ServerResponse response, CancellationToken cancellationToken)
    {
        if (!request.IsWebTransport)
        {
            response.StatusCode = 404;
            return;
        }

        string? protocol = request.WebTransportAvailableProtocols.FirstOrDefault(p => p == "moqt-19");
        SelectedProtocol = protocol;
        WebTransportSession session = await request.AcceptWebTransportAsync(response, protocol, cancellationToken);
        var tasks = new List<Task>
        {
            EchoBidiStreamsAsync(session),
            EchoDatagramsAsync(session),
            SendServerStreamsAsync(session),
        };
        TransportCloseInfo info = await session.Closed.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        SessionClosed.TrySetResult(info);
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task EchoBidiStreamsAsync(WebTransportSession session)
    {
        try
        {
            while (true)
            {
                ITransportStream stream = await session.AcceptBidirectionalStreamAsync(_stop.Token);
                _ = Task.Run(async () =>
                {
                    try
                    {
                        var buffer = new byte[64 * 1024];
                        int read;
                        while ((read = await stream.ReadAsync(buffer, _stop.Token)) > 0)
                            await stream.WriteAsync(buffer.AsMemory(0, read), false, _stop.Token);
                        await stream.CompleteWritesAsync(_stop.Token);
                    }
                    catch (Exception e)
                    {
                        Errors.Enqueue($"echo stream: {e.Message}");
                    }
                });
            }
        }
        catch (Exception e) when (e is TransportSessionClosedException or OperationCanceledException or IOException)
        {
        }
    }

    private async Task EchoDatagramsAsync(WebTransportSession session)
    {
        try
        {
            while (true)
            {
                ReadOnlyMemory<byte> datagram = await session.ReceiveDatagramAsync(_stop.Token);
                Interlocked.Increment(ref _datagramsReceived);
                DatagramPayloads.Enqueue(System.Text.Encoding.UTF8.GetString(datagram.Span));
                session.SendDatagram(datagram.Span);
            }
        }
        catch (Exception e) when (e is TransportSessionClosedException or OperationCanceledException or IOException)
        {
        }
    }

    private async Task SendServerStreamsAsync(WebTransportSession session)
    {
        try
        {
            ITransportSendStream uni = await session.OpenUnidirectionalStreamAsync(_stop.Token);
            await uni.WriteAsync(System.Text.Encoding.UTF8.GetBytes(UniGreeting), endStream: true, _stop.Token);
            ITransportStream bidi = await session.OpenBidirectionalStreamAsync(_stop.Token);
            await bidi.WriteAsync(System.Text.Encoding.UTF8.GetBytes(BidiGreeting), endStream: true, _stop.Token);
            byte[] reply = await bidi.ReadToEndAsync(_stop.Token);
            BidiReply.TrySetResult(System.Text.Encoding.UTF8.GetString(reply));
        }
        catch (Exception e)
        {
            Errors.Enqueue($"server streams: {e.Message}");
            BidiReply.TrySetException(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _listener.DisposeAsync();
        await _acceptLoop.WithTimeout();
        await Task.WhenAll(_tasks).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        Certificate.Dispose();
        _stop.Dispose();
    }
}
