using MoqLive.Testing.Conformance;
using MoqLive.Transport.InMemory;

namespace MoqLive.Transport.Tests.InMemory;

public sealed class InMemoryTransportConformanceTests : TransportConformanceTests
{
    protected override Task<TransportSessionPair> CreateConnectedPairAsync(TransportPairOptions options)
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create(new InMemorySessionOptions
        {
            Protocol = options.Protocol,
            MaxBidirectionalStreams = options.MaxBidirectionalStreams,
            MaxUnidirectionalStreams = options.MaxUnidirectionalStreams,
        });
        return Task.FromResult(new TransportSessionPair(client, server));
    }
}
