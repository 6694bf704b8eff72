using Microsoft.Extensions.Time.Testing;
using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session;
using MoqLive.Testing;
using static MoqLive.Relay.Tests.RelayTestHelpers;

namespace MoqLive.Relay.Tests;

/// <summary>
/// draft-19 §"Delivery Timeouts and Data Reliability" through the relay over in-memory sessions on a fake clock: the
/// relay stamps objects when they arrive from upstream, and each downstream session drops what is older than that
/// subscriber's OBJECT_DELIVERY_TIMEOUT.
/// </summary>
public sealed class MoqtRelayDeliveryTimeoutTests
{
    [Fact]
    public async Task LateSubscriber_CachedObjectsOlderThanItsTimeout_AreNotSent_OthersStillGetThem()
    {
        var time = new FakeTimeProvider();
        await using var relay = new MoqtRelay(new MoqtRelayOptions { TimeProvider = time });
        var publisher = new TestPublisher();
        TrackProducer source = publisher.AddTrack(Video);
        await using MoqtSession upstream = await ConnectAsync(relay, time, new MoqtSessionOptions { TimeProvider = time });
        Assert.True((await upstream.PublishNamespaceAsync(Ns, publisher).AsTask().WaitAsync(TestTimeout)).IsOk);

        // A first viewer makes the relay subscribe upstream; object {0, 0} reaches the relay (and is cached) at t0.
        await using MoqtSession first = await ConnectAsync(relay, time, new MoqtSessionOptions { TimeProvider = time });
        using TrackConsumer firstTrack = (await first.SubscribeAsync(Video).AsTask().WaitAsync(TestTimeout)).GetValueOrThrow().Track;
        GroupProducer group = source.CreateGroup(0);
        SubgroupProducer old = group.CreateSubgroup(0);
        old.Write(0, Payload(0, 0));
        old.Complete();
        Assert.Equal(new Location(0, 0), await FirstObjectAsync(firstTrack));

        time.Advance(TimeSpan.FromSeconds(2));
        await using MoqtSession strict = await ConnectAsync(relay, time, new MoqtSessionOptions { TimeProvider = time });
        await using MoqtSession lenient = await ConnectAsync(relay, time, new MoqtSessionOptions { TimeProvider = time });
        var fromStart = new SubscribeOptions { Start = TrackStart.At(Location.Zero) };
        using TrackConsumer strictTrack = (await strict.SubscribeAsync(Video, fromStart with { ObjectDeliveryTimeout = TimeSpan.FromSeconds(1) })
            .AsTask().WaitAsync(TestTimeout)).GetValueOrThrow().Track;
        using TrackConsumer lenientTrack = (await lenient.SubscribeAsync(Video, fromStart with { ObjectDeliveryTimeout = TimeSpan.FromSeconds(5) })
            .AsTask().WaitAsync(TestTimeout)).GetValueOrThrow().Track;

        // A fresh subgroup of the same group, then the track ends: each viewer's track ends after every stream it got.
        SubgroupProducer fresh = group.CreateSubgroup(1);
        fresh.Write(1, Payload(0, 1));
        fresh.Complete();
        group.Complete();
        source.Complete();

        Received strictGot = await ReadTrack(strictTrack);
        Received lenientGot = await ReadTrack(lenientTrack);
        Assert.Equal([new Location(0, 1)], strictGot.Objects);
        Assert.Equal([new Location(0, 0), new Location(0, 1)], lenientGot.Objects.Order());
    }

    private static async Task<Location> FirstObjectAsync(TrackConsumer track)
    {
        TrackReadResult next = await track.NextGroupAsync().AsTask().WaitAsync(TestTimeout);
        SubgroupConsumer subgroup = (await next.Group!.NextSubgroupAsync().AsTask().WaitAsync(TestTimeout))!;
        ObjectReadResult read = await subgroup.ReadObjectAsync().AsTask().WaitAsync(TestTimeout);
        Location location = read.Object!.Location;
        read.Object.Release();
        return location;
    }
}
