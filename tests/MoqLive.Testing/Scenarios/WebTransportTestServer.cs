using System.Collections.Concurrent;
using System.Net;
using MoqLive.Http3;
using MoqLive.Http3.WebTransport;
using MoqLive.Quic;
using MoqLive.Quic.Tls;
using MoqLive.Quic.Transport;
using MoqLive.Transport;

namespace MoqLive.Testing.Scenarios;

/// <summary>
/// A minimal WebTransport server for browser and C# client tests: a QUIC listener with ALPN h3 (UDP on 127.0.0.1,
/// <see cref="StartAsync"/>, or any listener such as one on the simulated network of <c>QuicTestHost</c>), HTTP/3 with
/// the WebTransport SETTINGS, a <see cref="WebTransportListener"/> on <c>/moq</c> (moqt-19 negotiated when offered), and on
/// the first accepted session the scenario of <see cref="EchoScenarioServer"/>.
/// </summary>
public sealed class WebTransportTestServer : IAsyncDisposable
{
    private readonly QuicListener _listener;
    private readonly WebTransportListener _webTransport = new(new WebTransportListenerOptions { Protocols = ["moqt-19"] });
    private readonly Http3Router _router;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly Task _sessionLoop;
    private readonly ConcurrentBag<Task> _tasks = [];

    private readonly bool _ownsCertificate;

    /// <summary>Serves on <paramref name="listener"/> (ALPN h3), whose certificate is <paramref name="certificate"/>.</summary>
    public WebTransportTestServer(QuicListener listener, TlsServerCertificate certificate, bool ownsCertificate = false)
    {
        _listener = listener;
        Certificate = certificate;
        _ownsCertificate = ownsCertificate;
        _router = new Http3Router().Map("/moq", _webTransport.HandleAsync);
        _acceptLoop = AcceptLoopAsync();
        _sessionLoop = SessionLoopAsync();
    }

    public TlsServerCertificate Certificate { get; }

    public int Port => _listener.LocalEndPoint.Port;

    /// <summary>The scenario run on the first session.</summary>
    public EchoScenarioServer Scenario { get; } = new();

    /// <summary>The protocol the listener selected for the first session (from wt-available-protocols), or null.</summary>
    public string? SelectedProtocol { get; private set; }

    /// <summary>The first session (for its datagram drop counter).</summary>
    public WebTransportSession? FirstSession { get; private set; }

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
        return new WebTransportTestServer(listener, certificate, ownsCertificate: true);
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                QuicConnection connection = await _listener.AcceptConnectionAsync(_stop.Token).ConfigureAwait(false);
                _tasks.Add(ServeConnectionAsync(connection));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
        }
        catch (Exception e)
        {
            Scenario.Errors.Enqueue($"accept: {e}");
        }
    }

    private async Task SessionLoopAsync()
    {
        try
        {
            ITransportSession session = await _webTransport.AcceptSessionAsync(_stop.Token);
            FirstSession = session as WebTransportSession;
            SelectedProtocol = session.Protocol;
            await Scenario.ServeAsync(session, TimeSpan.FromSeconds(120), _stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
        {
        }
        catch (Exception e)
        {
            Scenario.Errors.Enqueue($"session: {e}");
        }
    }

    private async Task ServeConnectionAsync(QuicConnection connection)
    {
        var session = new QuicTransportSession(connection);
        var http = Http3Connection.CreateServer(session, _router.HandleAsync, new Http3ConnectionOptions
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
                Scenario.Errors.Enqueue($"connection: {e}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _webTransport.DisposeAsync();
        await _listener.DisposeAsync();
        await _acceptLoop.WithTimeout();
        await _sessionLoop.WithTimeout(TestTimeouts.Long);
        await Task.WhenAll(_tasks).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        if (_ownsCertificate)
            Certificate.Dispose();
        _stop.Dispose();
    }
}
