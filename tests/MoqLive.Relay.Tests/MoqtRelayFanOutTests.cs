using MoqLive.Moqt.Model;
using MoqLive.Testing;
using static MoqLive.Relay.Tests.RelayTestHelpers;

namespace MoqLive.Relay.Tests;

public sealed class MoqtRelayFanOutTests
{
    [Fact]
    public async Task OnePublisher200Subscribers_10000Objects_EverySubscriberGetsEveryObjectInOrder()
    {
        const int Subscribers = 200;
        const int Groups = 100;
        const int SubgroupsPerGroup = 2;
        const int ObjectsPerSubgroup = 50;
        const int Total = Groups * SubgroupsPerGroup * ObjectsPerSubgroup;

        var pool = new CountingArrayPool();
        await using var relay = new MoqtRelay(new MoqtRelayOptions
        {
            Cache = TrackProducerOptions.Default with { MaxGroups = Groups * 2 },
            MaxSubscriberLagGroups = Groups * 2,
        });
        var publisher = new TestPublisher();
        var source = publisher.AddTrack(Video);
        await using var registration = (await relay.PublishNamespaceAsync(Ns, publisher)).GetValueOrThrow();

        var consumers = await Task.WhenAll(Enumerable.Range(0, Subscribers).Select(_ => SubscribeOk(relay, Video)));
        var readers = consumers.Select(c => Task.Run(() => ReadTrack(c))).ToArray();

        for (ulong g = 0; g < Groups; g++)
            WriteGroup(source, g, SubgroupsPerGroup, ObjectsPerSubgroup, pool: pool);
        source.Complete();

        var results = await Task.WhenAll(readers).WaitAsync(TestTimeout);
        foreach (var received in results)
        {
            Assert.Equal(Total, received.Objects.Count);
            Assert.Equal(Total, received.Objects.Distinct().Count());
            Assert.True(received.InOrderWithinEverySubgroup);
            Assert.Equal(0, received.LostGroups);
            Assert.Equal(PublishDoneStatusCode.TrackEnded, received.End!.StatusCode);
        }

        Assert.Equal(1, publisher.Subscribes);
        Assert.Equal(Total, relay.Metrics.ObjectsIn);
        Assert.Equal((long)Total * Subscribers, relay.Metrics.ObjectsOut);
        Assert.Equal(0, relay.Metrics.DroppedGroups);
        Assert.Equal(1, relay.Metrics.PublishDoneSent);

        // Payloads were shared, never copied: one rented buffer per object.
        Assert.Equal(Total, pool.Rented);
        foreach (var consumer in consumers)
            consumer.Dispose();
        source.Dispose();
        Assert.Equal(0, pool.Outstanding);
    }
}
