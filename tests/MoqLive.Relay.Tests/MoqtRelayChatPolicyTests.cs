using Microsoft.Extensions.Time.Testing;
using MoqLive.Moqt.Model;
using static MoqLive.Relay.Tests.MoqtRelaySubscribeTests;
using static MoqLive.Relay.Tests.RelayTestHelpers;

namespace MoqLive.Relay.Tests;

/// <summary>docs/media-format.md "Chat": the relay does not forward oversized or over-rate chat objects.</summary>
public sealed class MoqtRelayChatPolicyTests
{
    private static readonly TrackNamespace ChatNs = TrackNamespace.Of("live", "alice", "chat", "0123456789abcdef");
    private static readonly FullTrackName Messages = FullTrackName.Create(ChatNs, "messages");

    /// <summary>One chat message: a group with one object of <paramref name="size"/> bytes.</summary>
    private static void Post(TrackProducer source, ulong groupId, int size = 100) => WriteGroup(source, groupId, perSubgroup: 1, size: size);

    private static async Task<(MoqtRelay Relay, TrackProducer Source, Received Received, Task Reading)> StartAsync(FullTrackName track, FakeTimeProvider time)
    {
        // Room for every group: a reader that falls behind must not lose groups for lag (another test's subject).
        var relay = new MoqtRelay(new MoqtRelayOptions
        {
            TimeProvider = time,
            Cache = TrackProducerOptions.Default with { MaxGroups = 100 },
            MaxSubscriberLagGroups = 100,
        });
        var publisher = new TestPublisher();
        var source = publisher.AddTrack(track);
        await relay.PublishNamespaceAsync(track.Namespace, publisher);
        var subscriber = await SubscribeOk(relay, track);
        var received = new Received();
        return (relay, source, received, Task.Run(() => ReadTrackInto(subscriber, received)));
    }

    [Fact]
    public async Task ChatTrack_FirstSubscriber_NoUpstreamJoiningFetch_SoAnEarlierMessageDoesNotCountAgainstTheLiveRate()
    {
        var time = new FakeTimeProvider();
        await using var relay = new MoqtRelay(new MoqtRelayOptions { TimeProvider = time });
        var publisher = new TestPublisher();
        var source = publisher.AddTrack(Messages);
        Post(source, 1); // before anyone subscribed: the relay does not carry it
        await relay.PublishNamespaceAsync(ChatNs, publisher);

        using var subscriber = await SubscribeOk(relay, Messages);
        var received = new Received();
        var reading = Task.Run(() => ReadTrackInto(subscriber, received));
        for (ulong g = 2; g <= 6; g++)
            Post(source, g);
        source.Complete();
        await reading.WaitAsync(TestTimeout);

        Assert.Empty(publisher.Fetches);
        Assert.Equal(5, received.Objects.Count);
        Assert.Equal(0, relay.Metrics.ChatOverRateDropped);
    }

    [Fact]
    public async Task ChatTrack_PayloadOver2KiB_NotForwardedAndCounted()
    {
        var (relay, source, received, reading) = await StartAsync(Messages, new FakeTimeProvider());
        await using (relay)
        {
            Post(source, 1, size: 2048);
            Post(source, 2, size: 2049);
            Post(source, 3, size: 10);
            await WaitUntil(() => relay.Metrics.ObjectsIn == 3);
            source.Complete();
            await reading.WaitAsync(TestTimeout);

            Assert.Equal([new Location(1, 0), new Location(3, 0)], received.Objects);
            Assert.Equal(1, relay.Metrics.ChatOversizedDropped);
            Assert.Equal(0, relay.Metrics.ChatOverRateDropped);
        }
    }

    [Fact]
    public async Task ChatTrack_MoreThan5MessagesIn10Seconds_ExtraNotForwardedUntilTheWindowMoves()
    {
        var time = new FakeTimeProvider();
        var (relay, source, received, reading) = await StartAsync(Messages, time);
        await using (relay)
        {
            for (ulong g = 1; g <= 7; g++)
                Post(source, g);
            await WaitUntil(() => relay.Metrics.ObjectsIn == 7);
            Assert.Equal(2, relay.Metrics.ChatOverRateDropped);

            // Still inside the window 9.9 s later; after 10 s the first five have left it.
            time.Advance(TimeSpan.FromSeconds(9.9));
            Post(source, 8);
            await WaitUntil(() => relay.Metrics.ObjectsIn == 8);
            Assert.Equal(3, relay.Metrics.ChatOverRateDropped);
            time.Advance(TimeSpan.FromSeconds(0.1));
            Post(source, 9);
            await WaitUntil(() => relay.Metrics.ObjectsIn == 9);
            source.Complete();
            await reading.WaitAsync(TestTimeout);

            Assert.Equal([1UL, 2, 3, 4, 5, 9], received.Objects.Select(l => l.Group));
            Assert.Equal(3, relay.Metrics.ChatOverRateDropped);
            Assert.Equal(0, relay.Metrics.ChatOversizedDropped);
        }
    }

    [Fact]
    public async Task ChatTrack_SubscriberBehindByMoreThanTheLagBound_GetsEveryMessage()
    {
        // Default lag bound (4 groups): a media subscriber this far behind would skip to the newest group.
        var relay = new MoqtRelay(new MoqtRelayOptions { TimeProvider = new FakeTimeProvider() });
        await using (relay)
        {
            var publisher = new TestPublisher();
            var source = publisher.AddTrack(Messages);
            await relay.PublishNamespaceAsync(ChatNs, publisher);
            var subscriber = await SubscribeOk(relay, Messages);
            for (ulong g = 1; g <= 5; g++)
                Post(source, g);
            await WaitUntil(() => relay.Metrics.ObjectsIn == 5);
            source.Complete();

            var received = new Received();
            await ReadTrackInto(subscriber, received).WaitAsync(TestTimeout);
            Assert.Equal([1UL, 2, 3, 4, 5], received.Objects.Select(l => l.Group));
        }
    }

    [Fact]
    public async Task NonChatTrack_LargeAndFastObjects_AllForwarded()
    {
        // ["live", NAME] media tracks and namespaces that only look similar are not chat.
        foreach (var track in new[] { Video, FullTrackName.Create(TrackNamespace.Of("live", "alice", "chat"), "messages") })
        {
            var (relay, source, received, reading) = await StartAsync(track, new FakeTimeProvider());
            await using (relay)
            {
                for (ulong g = 1; g <= 10; g++)
                    Post(source, g, size: 4096);
                await WaitUntil(() => relay.Metrics.ObjectsIn == 10);
                source.Complete();
                await reading.WaitAsync(TestTimeout);

                Assert.Equal(10, received.Objects.Count);
                Assert.Equal(0, relay.Metrics.ChatOversizedDropped + relay.Metrics.ChatOverRateDropped);
            }
        }
    }
}
