using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session;
using MoqLive.Testing;
using MoqLive.Transport.InMemory;
using MoqtVersion = MoqLive.Moqt.Wire.MoqtVersion;
using MoqtVersions = MoqLive.Moqt.Wire.MoqtVersions;
using static MoqLive.Moqt.Tests.Session.TrackTestExtensions;

namespace MoqLive.Moqt.Tests.Session;

public sealed class MoqtSessionSubscribeTests
{
    public static TheoryData<MoqtVersion> Versions() => [.. MoqtVersions.Supported];

    private static readonly FullTrackName Video = FullTrackName.Create(TrackNamespace.Of("live", "alice"), "video");

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Subscribe_Success_ObjectsFlowOnSubgroupStreams(MoqtVersion version)
    {
        var publisher = new TestPublisher();
        TrackProducer track = publisher.AddTrack(Video, publisherPriority: 64);
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Publisher = publisher });

        SubscribeResult result = await pair.Client.SubscribeAsync(Video, new SubscribeOptions { SubscriberPriority = 10 }).AsTask().WithTimeout();
        Assert.True(result.IsOk, result.ToString());
        TrackConsumer consumer = result.Value!.Track;
        Assert.Equal(64, consumer.Info.PublisherPriority);
        Assert.Null(result.Value.LargestLocation);
        Assert.Equal(10, publisher.LastSubscribeOptions!.SubscriberPriority);

        GroupProducer group = track.CreateGroup(0);
        SubgroupProducer subgroup = group.CreateSubgroup(0);
        subgroup.Write(0, Text("key"));
        subgroup.Write(1, Text("delta1"), MoqtProperties.Create([MoqtProperty.FromInt(0x3C, 0)]));
        subgroup.Write(2, Text("delta2"));
        subgroup.Complete();

        (List<(ulong ObjectId, string Payload)> objects, ObjectReadStatus end, _) = await consumer.ReadSubgroupAsync();
        Assert.Equal([(0UL, "key"), (1UL, "delta1"), (2UL, "delta2")], objects);
        Assert.Equal(ObjectReadStatus.End, end);

        // A second group on a subgroup with an explicit ID and priority.
        SubgroupProducer second = track.CreateGroup(1).CreateSubgroup(3, publisherPriority: 7);
        second.Write(5, Text("g1"));
        second.Complete();
        (objects, end, GroupConsumer groupConsumer) = await consumer.ReadSubgroupAsync();
        Assert.Equal(1UL, groupConsumer.GroupId);
        Assert.Equal([(5UL, "g1")], objects);

        consumer.Dispose();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Subscribe_PayloadPool_ReceivedPayloadsRentedFromItAndReturnedWhenReleasedAndEvicted(MoqtVersion version)
    {
        var publisher = new TestPublisher();
        TrackProducer track = publisher.AddTrack(Video);
        var pool = new CountingArrayPool();
        await using SessionPair pair = await SessionPair.CreateAsync(
            version,
            client: new MoqtSessionOptions { PayloadPool = pool, ReceivedTrackOptions = new TrackProducerOptions { MaxGroups = 1 } },
            server: new MoqtSessionOptions { Publisher = publisher });

        SubscribeResult result = await pair.Client.SubscribeAsync(Video, SubscribeOptions.Default).AsTask().WithTimeout();
        Assert.True(result.IsOk, result.ToString());
        TrackConsumer consumer = result.Value!.Track;

        SubgroupProducer first = track.CreateGroup(0).CreateSubgroup(0);
        first.Write(0, Text("one"));
        first.Write(1, Text("two"));
        first.Complete();
        (List<(ulong ObjectId, string Payload)> objects, _, _) = await consumer.ReadSubgroupAsync();
        Assert.Equal([(0UL, "one"), (1UL, "two")], objects);
        Assert.Equal(2, pool.Rented);
        // The reader released its references; the received track's cache window still holds the group.
        Assert.Equal(0, pool.Returned);

        // The next group evicts the first (MaxGroups = 1): its payloads go back to the session's pool.
        SubgroupProducer second = track.CreateGroup(1).CreateSubgroup(0);
        second.Write(0, Text("three"));
        second.Complete();
        (objects, _, _) = await consumer.ReadSubgroupAsync();
        Assert.Equal([(0UL, "three")], objects);
        Assert.Equal(3, pool.Rented);
        Assert.Equal(2, pool.Returned);
        consumer.Dispose();
    }

    /// <summary>Counts rents and returns, handing out plain arrays.</summary>
    private sealed class CountingArrayPool : System.Buffers.ArrayPool<byte>
    {
        private int _rented;
        private int _returned;

        public int Rented => Volatile.Read(ref _rented);

        public int Returned => Volatile.Read(ref _returned);

        public override byte[] Rent(int minimumLength)
        {
            Interlocked.Increment(ref _rented);
            return new byte[minimumLength];
        }

        public override void Return(byte[] array, bool clearArray = false) => Interlocked.Increment(ref _returned);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Subscribe_BurstOfGroupsBeforeTheReaderRuns_DeliversEveryGroup(MoqtVersion version)
    {
        // A chat participant writes several one-object groups at once; the subscriber (e.g. the relay) must see them all.
        var publisher = new TestPublisher();
        TrackProducer track = publisher.AddTrack(Video);
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Publisher = publisher });
        TrackConsumer consumer = (await pair.Client.SubscribeAsync(Video).AsTask().WithTimeout()).GetValueOrThrow().Track;

        const int Groups = 10;
        for (ulong g = 0; g < Groups; g++)
        {
            SubgroupProducer subgroup = track.CreateGroup(g).CreateSubgroup(0);
            subgroup.Write(0, Text($"message {g}"));
            subgroup.Complete();
        }

        // Every group has arrived (streams may arrive in any order) before the reader takes the first.
        await Poll.UntilAsync(() => consumer.PendingGroups == Groups);
        var received = new List<ulong>();
        for (int i = 0; i < Groups; i++)
        {
            (List<(ulong ObjectId, string Payload)> objects, ObjectReadStatus end, GroupConsumer group) = await consumer.ReadSubgroupAsync();
            Assert.Equal([(0UL, $"message {group.GroupId}")], objects);
            Assert.Equal(ObjectReadStatus.End, end);
            received.Add(group.GroupId);
        }

        Assert.Equal(Enumerable.Range(0, Groups).Select(g => (ulong)g), received.Order());
        Assert.Equal(0, consumer.LostGroups);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Subscribe_TrackEnds_SubscriberSeesPublishDone(MoqtVersion version)
    {
        var publisher = new TestPublisher();
        TrackProducer track = publisher.AddTrack(Video);
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Publisher = publisher });
        TrackConsumer consumer = (await pair.Client.SubscribeAsync(Video).AsTask().WithTimeout()).GetValueOrThrow().Track;

        SubgroupProducer subgroup = track.CreateGroup(0).CreateSubgroup(0);
        subgroup.Write(0, Text("last"));
        subgroup.Complete();
        track.Complete(PublishDoneStatusCode.TrackEnded, "done");

        (List<(ulong ObjectId, string Payload)> objects, _, _) = await consumer.ReadSubgroupAsync();
        Assert.Equal([(0UL, "last")], objects);
        TrackReadResult next = await consumer.NextGroupAsync().AsTask().WithTimeout();
        Assert.True(next.IsEnd);
        Assert.Equal(PublishDoneStatusCode.TrackEnded, next.End!.StatusCode);
        Assert.Equal("done", next.End.Reason);
        Assert.False(next.End.Aborted);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Subscribe_UnknownTrack_ReturnsRequestError(MoqtVersion version)
    {
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Publisher = new TestPublisher() });
        SubscribeResult result = await pair.Client.SubscribeAsync(Video).AsTask().WithTimeout();
        Assert.False(result.IsOk);
        Assert.Equal(RequestErrorCode.DoesNotExist, result.ErrorCode);
        Assert.Equal("no such track", result.Reason);

        // The session stays usable.
        Assert.False(pair.Client.Closed.IsCompleted);
        Assert.Equal(RequestErrorCode.DoesNotExist, (await pair.Client.SubscribeAsync(Video).AsTask().WithTimeout()).ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Subscribe_NoPublisherHandler_ReturnsNotSupported(MoqtVersion version)
    {
        await using SessionPair pair = await SessionPair.CreateAsync(version);
        SubscribeResult result = await pair.Client.SubscribeAsync(Video).AsTask().WithTimeout();
        Assert.Equal(RequestErrorCode.NotSupported, result.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Subscribe_FromServerToClient_UsesOddRequestIds(MoqtVersion version)
    {
        var publisher = new TestPublisher();
        TrackProducer track = publisher.AddTrack(Video);
        await using SessionPair pair = await SessionPair.CreateAsync(version, client: new MoqtSessionOptions { Publisher = publisher });
        TrackConsumer consumer = (await pair.Server.SubscribeAsync(Video).AsTask().WithTimeout()).GetValueOrThrow().Track;
        SubgroupProducer subgroup = track.CreateGroup(4).CreateSubgroup(0);
        subgroup.Write(0, Text("x"));
        subgroup.Complete();
        (List<(ulong ObjectId, string Payload)> objects, _, _) = await consumer.ReadSubgroupAsync();
        Assert.Equal([(0UL, "x")], objects);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Unsubscribe_DisposingConsumer_StopsThePublisherSide(MoqtVersion version)
    {
        var publisher = new TestPublisher();
        TrackProducer track = publisher.AddTrack(Video);
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Publisher = publisher });
        TrackConsumer consumer = (await pair.Client.SubscribeAsync(Video).AsTask().WithTimeout()).GetValueOrThrow().Track;
        Assert.Equal(1, track.ConsumerCount);

        consumer.Dispose();
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (track.ConsumerCount != 0 && DateTime.UtcNow < deadline)
            await Task.Yield();
        Assert.Equal(0, track.ConsumerCount);
        Assert.False(pair.Server.Closed.IsCompleted, pair.Server.Closed.IsCompleted ? (await pair.Server.Closed).ToString() : "");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Datagrams_FlowToSubscriber(MoqtVersion version)
    {
        var publisher = new TestPublisher();
        TrackProducer track = publisher.AddTrack(Video);
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Publisher = publisher });
        TrackConsumer consumer = (await pair.Client.SubscribeAsync(Video).AsTask().WithTimeout()).GetValueOrThrow().Track;

        GroupProducer group = track.CreateGroup(2);
        group.WriteDatagram(0, Text("audio0"));
        group.WriteDatagram(1, Text("audio1"), publisherPriority: 3);

        List<(ulong ObjectId, string Payload)> objects = await consumer.ReadDatagramsAsync(2);
        Assert.Equal([(0UL, "audio0"), (1UL, "audio1")], objects);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Subscribe_Filters_AreCarriedToThePublisher(MoqtVersion version)
    {
        var publisher = new TestPublisher();
        publisher.AddTrack(Video);
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Publisher = publisher });

        foreach (TrackStart start in new[] { TrackStart.NextGroup, TrackStart.LargestObject, TrackStart.At(new Location(3, 1)), TrackStart.At(new Location(3, 0), 9) })
        {
            var options = new SubscribeOptions { Start = start, GroupOrder = GroupOrder.Descending, Forward = true };
            using TrackConsumer consumer = (await pair.Client.SubscribeAsync(Video, options).AsTask().WithTimeout()).GetValueOrThrow().Track;
            Assert.Equal(start, publisher.LastSubscribeOptions!.Start);
            Assert.Equal(GroupOrder.Descending, publisher.LastSubscribeOptions.GroupOrder);
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task SubscribeOk_ReportsLargestLocation(MoqtVersion version)
    {
        var publisher = new TestPublisher();
        TrackProducer track = publisher.AddTrack(Video);
        SubgroupProducer subgroup = track.CreateGroup(7).CreateSubgroup(0);
        subgroup.Write(0, Text("a"));
        subgroup.Write(1, Text("b"));
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Publisher = publisher });
        SubscribeResult result = await pair.Client.SubscribeAsync(Video).AsTask().WithTimeout();
        Assert.Equal(new Location(7, 1), result.GetValueOrThrow().LargestLocation);
        result.Value!.Track.Dispose();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task RequestUpdate_ForwardZero_PausesDelivery(MoqtVersion version)
    {
        var publisher = new TestPublisher();
        TrackProducer track = publisher.AddTrack(Video);
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Publisher = publisher });
        TrackConsumer consumer = (await pair.Client.SubscribeAsync(Video).AsTask().WithTimeout()).GetValueOrThrow().Track;

        SubgroupProducer first = track.CreateGroup(0).CreateSubgroup(0);
        first.Write(0, Text("before"));
        first.Complete();
        (List<(ulong ObjectId, string Payload)> objects, _, _) = await consumer.ReadSubgroupAsync();
        Assert.Equal([(0UL, "before")], objects);

        SubscriptionUpdateResult paused = await pair.Client.UpdateSubscriptionAsync(consumer, new SubscriptionUpdate { Forward = false, SubscriberPriority = 1 }).AsTask().WithTimeout();
        Assert.True(paused.IsOk, paused.ToString());
        Assert.Equal(new Location(0, 0), paused.Value!.LargestLocation);

        SubgroupProducer hidden = track.CreateGroup(1).CreateSubgroup(0);
        hidden.Write(0, Text("not forwarded"));
        hidden.Complete();
        track.Complete();

        TrackReadResult next = await consumer.NextGroupAsync().AsTask().WithTimeout();
        Assert.True(next.IsEnd, "group 1 was forwarded although Forward State is 0");
        consumer.Dispose();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task RequestUpdate_UnknownSubscription_ReturnsError(MoqtVersion version)
    {
        await using SessionPair pair = await SessionPair.CreateAsync(version);
        using TrackConsumer foreign = new TrackProducer(new TrackInfo(Video)).Subscribe();
        SubscriptionUpdateResult result = await pair.Client.UpdateSubscriptionAsync(foreign, new SubscriptionUpdate { Forward = true }).AsTask().WithTimeout();
        Assert.Equal(RequestErrorCode.DoesNotExist, result.ErrorCode);
    }

    [Fact]
    public void GetPriority_OrdersBySubscriberThenPublisherThenGroup()
    {
        var high = MoqtSession.GetPriority(0, 200, GroupOrder.Ascending, 5, 0);
        var low = MoqtSession.GetPriority(1, 0, GroupOrder.Ascending, 5, 0);
        Assert.True(high.Urgency < low.Urgency);
        var pubHigh = MoqtSession.GetPriority(1, 10, GroupOrder.Ascending, 5, 0);
        var pubLow = MoqtSession.GetPriority(1, 20, GroupOrder.Ascending, 5, 0);
        Assert.True(pubHigh.Urgency < pubLow.Urgency);
        Assert.True(MoqtSession.GetPriority(1, 1, GroupOrder.Ascending, 4, 9).Order < MoqtSession.GetPriority(1, 1, GroupOrder.Ascending, 5, 0).Order);
        Assert.True(MoqtSession.GetPriority(1, 1, GroupOrder.Descending, 5, 0).Order < MoqtSession.GetPriority(1, 1, GroupOrder.Descending, 4, 0).Order);
        Assert.True(MoqtSession.GetPriority(1, 1, GroupOrder.Ascending, 5, 0).Order < MoqtSession.GetPriority(1, 1, GroupOrder.Ascending, 5, 1).Order);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Subscribe_DataStreamPriority_ComesFromSubscriberPriorityPublisherPriorityAndGroupOrder(MoqtVersion version)
    {
        var publisher = new TestPublisher();
        TrackProducer track = publisher.AddTrack(Video, publisherPriority: 64);
        (MoqtSession connected, MoqtSession accepted, UnacknowledgedTransport recording) = await ConnectRecordingDataStreamsAsync(version, publisher);
        await using MoqtSession client = connected;
        await using MoqtSession server = accepted;

        var options = new SubscribeOptions { SubscriberPriority = 10, GroupOrder = GroupOrder.Descending };
        using TrackConsumer consumer = (await client.SubscribeAsync(Video, options).AsTask().WithTimeout()).GetValueOrThrow().Track;
        SubgroupProducer subgroup = track.CreateGroup(5).CreateSubgroup(2, publisherPriority: 7);
        subgroup.Write(0, Text("a"));
        subgroup.Complete();

        // draft-19 §"Priorities": the subgroup's stream is sent at (subscriber 10, publisher 7), newest group first.
        await Poll.UntilAsync(() => recording.Finished.Count == 1);
        Assert.Equal(MoqtSession.GetPriority(10, 7, GroupOrder.Descending, 5, 2), recording.Finished.Single().Priority);
        Assert.NotEqual(MoqtSession.GetPriority(10, 7, GroupOrder.Ascending, 5, 2), recording.Finished.Single().Priority);
    }
    [Theory]
    [MemberData(nameof(Versions))]
    public async Task RequestUpdate_SubscriberPriority_AppliesToOpenSubgroupStreams(MoqtVersion version)
    {
        var publisher = new TestPublisher();
        TrackProducer track = publisher.AddTrack(Video, publisherPriority: 64);
        (MoqtSession connected, MoqtSession accepted, UnacknowledgedTransport recording) = await ConnectRecordingDataStreamsAsync(version, publisher);
        await using MoqtSession client = connected;
        await using MoqtSession server = accepted;

        using TrackConsumer consumer = (await client.SubscribeAsync(Video, new SubscribeOptions { SubscriberPriority = 10 }).AsTask().WithTimeout())
            .GetValueOrThrow().Track;
        SubgroupProducer subgroup = track.CreateGroup(5).CreateSubgroup(0);
        subgroup.Write(0, Text("a"));
        GroupConsumer group = (await consumer.NextGroupAsync().AsTask().WithTimeout()).Group!;
        SubgroupConsumer received = (await group.NextSubgroupAsync().AsTask().WithTimeout())!;
        (await received.ReadObjectAsync().AsTask().WithTimeout()).Object!.Release();

        // The subgroup's stream is open; the new subscriber priority reaches it, not only streams opened later.
        SubscriptionUpdateResult update = await client.UpdateSubscriptionAsync(consumer, new SubscriptionUpdate { SubscriberPriority = 200 }).AsTask().WithTimeout();
        Assert.True(update.IsOk, update.ToString());
        subgroup.Complete();

        await Poll.UntilAsync(() => recording.Finished.Count == 1);
        Assert.Equal(MoqtSession.GetPriority(200, 64, GroupOrder.Ascending, 5, 0), recording.Finished.Single().Priority);
    }

    /// <summary>A session pair whose server records each data stream it finishes (with its final priority).</summary>
    private static async Task<(MoqtSession Client, MoqtSession Server, UnacknowledgedTransport Recording)> ConnectRecordingDataStreamsAsync(
        MoqtVersion version, TestPublisher publisher)
    {
        (InMemorySession clientTransport, InMemorySession serverTransport) =
            InMemorySessionPair.Create(new InMemorySessionOptions { Protocol = MoqtVersions.GetAlpn(version) });
        var recording = new UnacknowledgedTransport(serverTransport);
        Task<MoqtSession> accept = MoqtSession.AcceptAsync(recording, new MoqtSessionOptions { Publisher = publisher });
        MoqtSession client = await MoqtSession.ConnectAsync(clientTransport).WithTimeout();
        return (client, await accept.WithTimeout(), recording);
    }
}
