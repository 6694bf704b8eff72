using MoqLive.Quic.Core;
using MoqLive.Quic.Transport;
using MoqLive.Testing;
using MoqLive.Testing.Conformance;
using MoqLive.Testing.Quic;

namespace MoqLive.Quic.Tests.Driver;

/// <summary>The transport conformance suite over QUIC connections on the in-process datagram network.</summary>
public sealed class QuicTransportConformanceTests : TransportConformanceTests
{
    protected override async Task<TransportSessionPair> CreateConnectedPairAsync(TransportPairOptions options)
    {
        var network = new InProcessDatagramNetwork();
        var settings = QuicDefaults.ConnectionOptions with
        {
            MaxIncomingBidiStreams = (ulong)options.MaxBidirectionalStreams,
            MaxIncomingUniStreams = (ulong)options.MaxUnidirectionalStreams,
        };
        var listener = await QuicTestHost.ListenAsync(network, [options.Protocol], settings);
        var accept = listener.AcceptConnectionAsync().AsTask();
        var client = await QuicTestHost.ConnectAsync(network, QuicTestHost.ClientOptions(listener, [options.Protocol], settings)).AsTask().WithTimeout();
        var server = await accept.WithTimeout();
        return new TransportSessionPair(new QuicTransportSession(client), new QuicTransportSession(server), listener.DisposeAsync);
    }
}
