using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session.Internal;
using MoqLive.Testing;
using MoqLive.Transport;
using MoqLive.Transport.InMemory;
using MoqtVersion = MoqLive.Moqt.Wire.MoqtVersion;

namespace MoqLive.Moqt.Tests.Session;

/// <summary>The lifetime of a subscription this session serves.</summary>
public sealed class OutboundSubscriptionTests
{
    private static readonly FullTrackName Video = FullTrackName.Create(TrackNamespace.Of("live"), "video");

    [Fact]
    public async Task Cancel_AfterTheTrackEndedAndDisposedIt_IsANoOp()
    {
        // The subscriber's request stream ending (Cancel) races the track's end (Dispose); Cancel used to throw
        // ObjectDisposedException there, which closed the whole session with INTERNAL_ERROR.
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create();
        await using (client)
        await using (server)
        {
            ITransportStream stream = await client.OpenBidirectionalStreamAsync().AsTask().WithTimeout();
            var producer = new TrackProducer(new TrackInfo(Video));
            var outbound = new OutboundSubscription(0, 0, producer.Subscribe(), new RequestStream(stream, MoqtVersion.Draft19), 128,
                GroupOrder.Ascending, forward: true, CancellationToken.None);

            outbound.Dispose();
            outbound.Cancel((ulong)StreamResetCode.Cancelled);

            Assert.False(outbound.IsCancelled);
        }
    }

    [Fact]
    public async Task Token_AfterTheTrackEndedAndDisposedIt_StillServesTheSubscriberStreamReader()
    {
        // A short PUBLISHed track can end (and dispose the subscription) before the reader of the subscriber's request
        // stream first asks for the token; that used to throw ObjectDisposedException and close the session with
        // INTERNAL_ERROR, losing the data streams still in flight.
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create();
        await using (client)
        await using (server)
        {
            ITransportStream stream = await client.OpenBidirectionalStreamAsync().AsTask().WithTimeout();
            var outbound = new OutboundSubscription(0, 0, new TrackProducer(new TrackInfo(Video)).Subscribe(),
                new RequestStream(stream, MoqtVersion.Draft19), 128, GroupOrder.Ascending, forward: true, CancellationToken.None);

            outbound.Dispose();
            CancellationToken token = outbound.Token;

            Assert.False(token.IsCancellationRequested);
            using CancellationTokenRegistration registration = token.Register(static () => { });
        }
    }

    [Fact]
    public async Task Cancel_ResetsEveryOpenSubgroupStream()
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create();
        await using (client)
        await using (server)
        {
            ITransportStream request = await client.OpenBidirectionalStreamAsync().AsTask().WithTimeout();
            using var outbound = new OutboundSubscription(0, 0, new TrackProducer(new TrackInfo(Video)).Subscribe(),
                new RequestStream(request, MoqtVersion.Draft19), 128, GroupOrder.Ascending, forward: true, CancellationToken.None);
            ITransportSendStream open = await client.OpenUnidirectionalStreamAsync().AsTask().WithTimeout();
            ITransportSendStream closed = await client.OpenUnidirectionalStreamAsync().AsTask().WithTimeout();
            outbound.StreamOpened(open, 64, 1, 0);
            outbound.StreamOpened(closed, 64, 0, 0);
            outbound.StreamClosed(closed);

            outbound.Cancel((ulong)StreamResetCode.Cancelled);

            Assert.True(outbound.IsCancelled);
            Assert.Equal(2UL, outbound.StreamCount);
            await Assert.ThrowsAnyAsync<InvalidOperationException>(() => open.WriteAsync(new byte[1]).AsTask()).WithTimeout();
            await closed.WriteAsync(new byte[1]).AsTask().WithTimeout();
        }
    }
}
