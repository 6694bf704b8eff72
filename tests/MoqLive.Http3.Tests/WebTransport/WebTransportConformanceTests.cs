using MoqLive.Http3.WebTransport;
using MoqLive.Testing;
using MoqLive.Testing.Conformance;
using MoqLive.Transport.InMemory;

namespace MoqLive.Http3.Tests.WebTransport;

/// <summary>The shared transport conformance suite, run against WebTransport sessions over HTTP/3 over the in-memory pair.</summary>
public sealed class WebTransportConformanceTests : TransportConformanceTests
{
    protected override async Task<TransportSessionPair> CreateConnectedPairAsync(TransportPairOptions options)
    {
        // HTTP/3 takes one unidirectional stream per side (control) and one client bidirectional stream (CONNECT).
        (InMemorySession clientSession, InMemorySession serverSession) = InMemorySessionPair.Create(new InMemorySessionOptions
        {
            MaxBidirectionalStreams = options.MaxBidirectionalStreams + 1,
            MaxUnidirectionalStreams = options.MaxUnidirectionalStreams + 1,
        });

        var accepted = new TaskCompletionSource<WebTransportSession>(TaskCreationOptions.RunContinuationsAsynchronously);
        var router = new Http3Router().Map("/moq", async (request, response, ct) =>
        {
            WebTransportSession session = await request.AcceptWebTransportAsync(response, request.WebTransportAvailableProtocols.FirstOrDefault(), ct);
            accepted.TrySetResult(session);
            await session.Closed.WaitAsync(ct);
        });
        Http3Connection server = Http3Connection.CreateServer(serverSession, router.HandleAsync,
            new Http3ConnectionOptions { AdditionalSettings = WebTransportSettings.Server() });
        Http3Connection client = Http3Connection.CreateClient(clientSession,
            new Http3ConnectionOptions { AdditionalSettings = WebTransportSettings.Client() });
        await server.StartAsync().WithTimeout();
        await client.StartAsync().WithTimeout();

        WebTransportSession clientWt = await client.ConnectWebTransportAsync("relay.test", "/moq", [options.Protocol]).WithTimeout();
        WebTransportSession serverWt = await accepted.Task.WithTimeout();
        return new TransportSessionPair(clientWt, serverWt, async () =>
        {
            await client.DisposeAsync();
            await server.DisposeAsync();
        });
    }

    // A WebTransport session close travels as a capsule on the CONNECT stream while the closer aborts the session's
    // streams with WEBTRANSPORT_SESSION_GONE (draft-02 §5); the aborts return QUIC stream credit to the peer, which
    // can complete an open waiting at the limit before the capsule is processed. Raw QUIC closes the whole
    // connection at once and has no such race.
    [Fact(Skip = "WebTransport: stream credit released by the closer's aborts can race the CLOSE_WEBTRANSPORT_SESSION capsule (draft-02 §5).")]
    public override Task Close_PendingOpenAtStreamLimit_FailsWithSessionClosed() => Task.CompletedTask;
}
