using System.Net;
using MoqLive.Quic;
using MoqLive.Quic.Tls;
using MoqLive.Quic.Transport;
using MoqLive.Testing;
using MoqLive.Testing.Conformance;

namespace MoqLive.E2E.Tests.Quic;

/// <summary>The transport conformance suite over QUIC on real UDP sockets bound to 127.0.0.1.</summary>
public sealed class UdpQuicTransportConformanceTests : TransportConformanceTests
{
    private static readonly Lazy<TlsServerCertificate> s_certificate = new(() =>
        TlsServerCertificate.FromCertificate(SelfSignedCertificate.Create(DateTimeOffset.UtcNow)));

    protected override async Task<TransportSessionPair> CreateConnectedPairAsync(TransportPairOptions options)
    {
        var settings = QuicDefaults.ConnectionOptions with
        {
            MaxIncomingBidiStreams = (ulong)options.MaxBidirectionalStreams,
            MaxIncomingUniStreams = (ulong)options.MaxUnidirectionalStreams,
        };
        var listener = await QuicListener.ListenAsync(new QuicListenerOptions
        {
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            ApplicationProtocols = [options.Protocol],
            ServerCertificate = s_certificate.Value,
            ConnectionOptions = settings,
        });
        var accept = listener.AcceptConnectionAsync().AsTask();
        var client = await QuicConnection.ConnectAsync(new QuicClientConnectionOptions
        {
            RemoteEndPoint = listener.LocalEndPoint,
            ServerName = "localhost",
            ApplicationProtocols = [options.Protocol],
            CertificateValidation = TlsCertificateValidation.PinnedSha256,
            PinnedCertificateSha256 = [s_certificate.Value.LeafSha256],
            ConnectionOptions = settings,
        }).AsTask().WithTimeout();
        var server = await accept.WithTimeout();
        return new TransportSessionPair(new QuicTransportSession(client), new QuicTransportSession(server), listener.DisposeAsync);
    }
}
