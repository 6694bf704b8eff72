using System.Net;
using MoqLive.Quic.Core;
using MoqLive.Quic;
using MoqLive.Quic.Tls;

namespace MoqLive.Testing.Quic;

/// <summary>Creates listeners and client connections over an <see cref="InProcessDatagramNetwork"/>.</summary>
public static class QuicTestHost
{
    private static readonly Lazy<TlsServerCertificate> s_certificate = new(() =>
        TlsServerCertificate.FromCertificate(SelfSignedCertificate.Create(DateTimeOffset.UtcNow)));

    public static TlsServerCertificate Certificate => s_certificate.Value;

    public static ValueTask<QuicListener> ListenAsync(InProcessDatagramNetwork network, string[] alpn, ConnectionOptions? options = null, bool requireRetry = false,
        Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null) =>
        QuicListener.ListenAsync(new QuicListenerOptions
        {
            ListenEndPoint = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 443),
            ApplicationProtocols = alpn,
            ServerCertificate = Certificate,
            ConnectionOptions = options,
            RequireRetry = requireRetry,
            LoggerFactory = loggerFactory,
        }, network.Bind, CancellationToken.None);

    public static QuicClientConnectionOptions ClientOptions(QuicListener listener, string[] alpn, ConnectionOptions? options = null) => new()
    {
        RemoteEndPoint = listener.LocalEndPoint,
        ServerName = "localhost",
        ApplicationProtocols = alpn,
        CertificateValidation = TlsCertificateValidation.PinnedSha256,
        PinnedCertificateSha256 = [Certificate.LeafSha256],
        ConnectionOptions = options,
    };

    /// <summary>A client endpoint shared by many connections, on a socket of <paramref name="network"/>.</summary>
    public static QuicClientEndpoint BindClientEndpoint(
        InProcessDatagramNetwork network, ConnectionOptions? options = null, bool completeReadsOnReceiveThread = false, bool runTimersOnReceiveThread = false) =>
        QuicClientEndpoint.Bind(
            new QuicClientEndpointOptions
            {
                ConnectionOptions = options,
                CompleteReadsOnReceiveThread = completeReadsOnReceiveThread,
                RunTimersOnReceiveThread = runTimersOnReceiveThread,
            },
            network.Bind);

    public static ValueTask<QuicConnection> ConnectAsync(InProcessDatagramNetwork network, QuicClientConnectionOptions options, CancellationToken cancellationToken = default) =>
        QuicConnection.ConnectAsync(options, network.Bind, cancellationToken);
}
