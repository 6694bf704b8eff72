using Microsoft.Extensions.Time.Testing;
using MoqLive.Moqt.Model;
using static MoqLive.Relay.Tests.MoqtRelaySubscribeTests;
using static MoqLive.Relay.Tests.RelayTestHelpers;

namespace MoqLive.Relay.Tests;

public sealed class MoqtRelayPublisherTests
{
    /// <summary>A relay on <paramref name="time"/> that keeps subscribers 10 s for a vanished publisher.</summary>
    private static MoqtRelay RelayWithGrace(FakeTimeProvider time) =>
        new(new MoqtRelayOptions { TimeProvider = time, PublisherReconnectGrace = TimeSpan.FromSeconds(10) });

    /// <summary>The publisher's session dies: its track aborts, its namespace goes away, the relay waits for it.</summary>
    private static async Task PublisherVanishesAsync(MoqtRelay relay, TrackProducer source, IAsyncDisposable registration)
    {
        source.Abort(PublishDoneStatusCode.InternalError, "connection lost");
        await registration.DisposeAsync();
        await WaitUntil(() => relay.Metrics.TracksAwaitingPublisher == 1);
    }

    [Fact]
    public async Task PublisherDropsAndReconnects_ExistingSubscribersResume()
    {
        var time = new FakeTimeProvider();
        await using var relay = RelayWithGrace(time);
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

        await PublisherVanishesAsync(relay, firstSource, firstRegistration);
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
    public async Task ReconnectedPublisherRegistersBeforeItsTracksExist_ResumeRetriedUntilTheTrackIsThere()
    {
        var time = new FakeTimeProvider();
        await using var relay = RelayWithGrace(time);
        var first = new TestPublisher();
        var firstSource = first.AddTrack(Video);
        var firstRegistration = (await relay.PublishNamespaceAsync(Ns, first)).GetValueOrThrow();
        using var consumer = await SubscribeOk(relay, Video);
        var received = new Received();
        var reader = Task.Run(() => ReadTrackInto(consumer, received));
        WriteGroup(firstSource, 0, perSubgroup: 2);
        await WaitUntil(() => received.Count == 2);

        await PublisherVanishesAsync(relay, firstSource, firstRegistration);

        // A reloaded streamer page: its namespace is back before its encoders have opened the track.
        var second = new TestPublisher();
        await using var secondRegistration = (await relay.PublishNamespaceAsync(Ns, second)).GetValueOrThrow();
        await WaitUntil(() => second.Subscribes == 1);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await WaitUntil(() => second.Subscribes == 2);
        var secondSource = second.AddTrack(Video);
        time.Advance(TimeSpan.FromMilliseconds(200));
        await WaitUntil(() => secondSource.ConsumerCount == 1);
        Assert.Equal(3, second.Subscribes);

        // Past the grace period the track keeps going on the resumed subscription.
        time.Advance(TimeSpan.FromSeconds(10));
        WriteGroup(secondSource, 100, perSubgroup: 2);
        secondSource.Complete();
        await reader.WaitAsync(TestTimeout);
        Assert.Equal([0UL, 0, 100, 100], received.Objects.Select(l => l.Group));
        Assert.Equal(PublishDoneStatusCode.TrackEnded, received.End!.StatusCode);
        Assert.Equal(1, relay.Metrics.PublisherResumes);
    }

    [Fact]
    public async Task ReconnectedPublisherNeverOpensTheTrack_SubscribersGetPublishDoneAfterGrace()
    {
        var time = new FakeTimeProvider();
        await using var relay = RelayWithGrace(time);
        var first = new TestPublisher();
        var firstSource = first.AddTrack(Video);
        var firstRegistration = (await relay.PublishNamespaceAsync(Ns, first)).GetValueOrThrow();
        using var consumer = await SubscribeOk(relay, Video);
        var reading = Task.Run(() => ReadTrack(consumer));
        await PublisherVanishesAsync(relay, firstSource, firstRegistration);

        var second = new TestPublisher();
        await using var secondRegistration = (await relay.PublishNamespaceAsync(Ns, second)).GetValueOrThrow();
        for (int i = 1; i <= 5; i++)
        {
            await WaitUntil(() => second.Subscribes == i);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        time.Advance(TimeSpan.FromSeconds(5));
        var received = await reading.WaitAsync(TestTimeout);
        Assert.Equal(PublishDoneStatusCode.TrackEnded, received.End!.StatusCode);
        Assert.Equal(0, relay.Metrics.PublisherResumes);
        int attempts = second.Subscribes;
        time.Advance(TimeSpan.FromSeconds(5));
        await Task.Delay(50);
        Assert.Equal(attempts, second.Subscribes); // no retries once the track is closed
    }

    [Fact]
    public async Task PublisherDropsAndNeverReturns_SubscribersGetPublishDoneAfterGrace()
    {
        var time = new FakeTimeProvider();
        await using var relay = RelayWithGrace(time);
        var publisher = new TestPublisher();
        var source = publisher.AddTrack(Video);
        var registration = (await relay.PublishNamespaceAsync(Ns, publisher)).GetValueOrThrow();
        using var consumer = await SubscribeOk(relay, Video);
        var reading = Task.Run(() => ReadTrack(consumer));
        WriteGroup(source, 0, perSubgroup: 2);

        await PublisherVanishesAsync(relay, source, registration);
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
