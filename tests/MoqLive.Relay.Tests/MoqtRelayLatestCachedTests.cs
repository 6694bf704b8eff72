using MoqLive.Moqt.Model;
using static MoqLive.Relay.Tests.MoqtRelaySubscribeTests;
using static MoqLive.Relay.Tests.RelayTestHelpers;

namespace MoqLive.Relay.Tests;

public sealed class MoqtRelayLatestCachedTests
{
    [Fact]
    public async Task LatestCachedPayload_TrackNotCarried_ReturnsNullWithoutAskingThePublisher()
    {
        await using var relay = new MoqtRelay();
        var publisher = new TestPublisher();
        var source = publisher.AddTrack(Video);
        WriteGroup(source, 0, perSubgroup: 1);
        await relay.PublishNamespaceAsync(Ns, publisher);

        byte[]? payload = await relay.LatestCachedPayloadAsync(Video).AsTask().WaitAsync(TestTimeout);

        Assert.Null(payload);
        Assert.Equal(0, publisher.Subscribes);
        Assert.Empty(publisher.Fetches);
    }

    [Fact]
    public async Task LatestCachedPayload_CarriedTrack_ReturnsTheNewestObjectOfTheNewestGroup()
    {
        await using var relay = new MoqtRelay();
        var publisher = new TestPublisher();
        var source = publisher.AddTrack(Video);
        await relay.PublishNamespaceAsync(Ns, publisher);
        using var subscriber = await SubscribeOk(relay, Video);

        WriteGroup(source, 7, perSubgroup: 3);
        WriteGroup(source, 8, perSubgroup: 2);
        await WaitUntil(() => relay.Metrics.ObjectsIn == 5);

        byte[]? payload = await relay.LatestCachedPayloadAsync(Video).AsTask().WaitAsync(TestTimeout);

        Assert.Equal(Payload(8, 1).Span.ToArray(), payload);
        Assert.Equal(1, publisher.Subscribes);
    }
}
