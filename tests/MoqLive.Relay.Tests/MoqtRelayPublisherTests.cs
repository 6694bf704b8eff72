using Microsoft.Extensions.Time.Testing;
using MoqLive.Moqt.Model;
using static MoqLive.Relay.Tests.MoqtRelaySubscribeTests;
using static MoqLive.Relay.Tests.RelayTestHelpers;

namespace MoqLive.Relay.Tests;

public sealed class MoqtRelayPublisherTests
{
    [Fact]
    public async Task PublisherDropsAndReconnects_ExistingSubscribersResume()
    {
        var time = new FakeTimeProvider();
        await using var relay = new MoqtRelay(new MoqtRelayOptions { TimeProvider = time, PublisherReconnectGrace = TimeSpan.FromSeconds(10) });
        var first = new TestPublisher();
        var firstSource = first.AddTrack(Video);
        var firstRegistration = (await relay.PublishNamespaceAsync(Ns, first)).GetValueOrThrow();

        var subscribers = new List<(TrackConsumer Consumer, Received Received, Task Reader)>();
        for (int i = 0; i < 3; i++)
        {
            var consumer = await SubscribeOk(relay, Video);
            var received = new Received();
            subscribers.Add((consumer, received, Task.Run(() => ReadTrackInto(consumer, received))));
        }

        WriteGroup(firstSource, 0, perSubgroup: 3);
        foreach (var s in subscribers)
            await WaitUntil(() => s.Received.Count == 3);

        // The publisher's session dies: its tracks abort, its namespace goes away.
        firstSource.Abort(PublishDoneStatusCode.InternalError, "connection lost");
        await firstRegistration.DisposeAsync();
        await WaitUntil(() => relay.Metrics.TracksAwaitingPublisher == 1);
        time.Advance(TimeSpan.FromSeconds(5));

        // It reconnects (a new session) and publishes the same namespace; per §"Scope" it resumes with larger group IDs.
        var second = new TestPublisher();
        var secondSource = second.AddTrack(Video);
        await using var secondRegistration = (await relay.PublishNamespaceAsync(Ns, second)).GetValueOrThrow();
        await WaitUntil(() => secondSource.ConsumerCount == 1);
        time.Advance(TimeSpan.FromSeconds(10));

        WriteGroup(secondSource, 100, perSubgroup: 2);
        WriteGroup(secondSource, 101, perSubgroup: 2);
        secondSource.Complete();

        foreach (var (consumer, received, reader) in subscribers)
        {
            await reader.WaitAsync(TestTimeout);
            Assert.Equal([0UL, 0, 0, 100, 100, 101, 101], received.Objects.Select(l => l.Group));
            Assert.Equal(PublishDoneStatusCode.TrackEnded, received.End!.StatusCode);
            consumer.Dispose();
        }

        Assert.Equal(1, first.Subscribes);
        Assert.Equal(1, second.Subscribes);
        Assert.Empty(second.Fetches); // a resumed subscription continues at the live edge: no joining FETCH
        Assert.Equal(1, relay.Metrics.PublisherResumes);
    }

    [Fact]
    public async Task PublisherDropsAndNeverReturns_SubscribersGetPublishDoneAfterGrace()
    {
        var time = new FakeTimeProvider();
        await using var relay = new MoqtRelay(new MoqtRelayOptions { TimeProvider = time, PublisherReconnectGrace = TimeSpan.FromSeconds(10) });
        var publisher = new TestPublisher();
        var source = publisher.AddTrack(Video);
        var registration = (await relay.PublishNamespaceAsync(Ns, publisher)).GetValueOrThrow();
        using var consumer = await SubscribeOk(relay, Video);
        var reading = Task.Run(() => ReadTrack(consumer));
        WriteGroup(source, 0, perSubgroup: 2);

        source.Abort();
        await registration.DisposeAsync();
        await WaitUntil(() => relay.Metrics.TracksAwaitingPublisher == 1);
        Assert.Equal(0, relay.Metrics.PublishDoneSent);
        Assert.False(reading.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(10));
        var received = await reading.WaitAsync(TestTimeout);

        Assert.Equal(2, received.Objects.Count);
        Assert.Equal(PublishDoneStatusCode.TrackEnded, received.End!.StatusCode);
        Assert.Equal(1, relay.Metrics.PublishDoneSent);
        Assert.Equal(0, relay.Metrics.Tracks);
    }

    [Fact]
    public async Task PublisherEndsTrack_SubscribersGetPublishDoneImmediately()
    {
        await using var relay = new MoqtRelay();
        var publisher = new TestPublisher();
        var source = publisher.AddTrack(Video);
        await relay.PublishNamespaceAsync(Ns, publisher);
        using var consumer = await SubscribeOk(relay, Video);
        var reading = Task.Run(() => ReadTrack(consumer));

        WriteGroup(source, 0, perSubgroup: 2);
        source.Complete(PublishDoneStatusCode.SubscriptionEnded, "bye");
        var received = await reading.WaitAsync(TestTimeout);

        Assert.Equal(2, received.Objects.Count);
        Assert.Equal(PublishDoneStatusCode.SubscriptionEnded, received.End!.StatusCode);
        Assert.Equal("bye", received.End.Reason);
        Assert.False(received.End.Aborted);
    }

    [Fact]
    public async Task PublishAsync_PushedTrack_FansOutToSubscribers()
    {
        await using var relay = new MoqtRelay();
        using var source = new TrackProducer(new TrackInfo(Video), TrackProducerOptions.Default with { MaxGroups = 100 });
        var pushed = await relay.PublishAsync(source.Subscribe(new TrackConsumerOptions { MaxLagGroups = 100 })).AsTask().WaitAsync(TestTimeout);
        Assert.True(pushed.IsOk);

        using var a = await SubscribeOk(relay, Video);
        using var b = await SubscribeOk(relay, Video);
        var readers = new[] { Task.Run(() => ReadTrack(a)), Task.Run(() => ReadTrack(b)) };
        WriteGroup(source, 0, perSubgroup: 4);
        source.Complete();

        foreach (var received in await Task.WhenAll(readers).WaitAsync(TestTimeout))
            Assert.Equal(4, received.Objects.Count);

        var again = await relay.PublishAsync(source.Subscribe()).AsTask().WaitAsync(TestTimeout);
        Assert.True(again.IsOk || again.ErrorCode == RequestErrorCode.Uninterested);
    }
}
