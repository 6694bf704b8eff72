using MoqLive.Testing.Conformance;
using MoqLive.Transport.InMemory;

namespace MoqLive.Transport.Tests.InMemory;

/// <summary>
/// The conformance suite over a pair with a 1 ms one-way delay on the system clock: every cross-side effect
/// (stream opens, data, credit, resets, close) then arrives asynchronously, as it does on QUIC. Nothing waits
/// for the delay itself; the suite's awaits just complete a little later.
/// </summary>
public sealed class InMemoryDelayedTransportConformanceTests : TransportConformanceTests
{
    protected override Task<TransportSessionPair> CreateConnectedPairAsync(TransportPairOptions options)
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create(new InMemorySessionOptions
        {
            Protocol = options.Protocol,
            MaxBidirectionalStreams = options.MaxBidirectionalStreams,
            MaxUnidirectionalStreams = options.MaxUnidirectionalStreams,
            OneWayDelay = TimeSpan.FromMilliseconds(1),
        });
        return Task.FromResult(new TransportSessionPair(client, server));
    }
}
