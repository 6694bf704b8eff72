using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session;
using MoqLive.Testing;
using MoqtVersion = MoqLive.Moqt.Wire.MoqtVersion;
using MoqtVersions = MoqLive.Moqt.Wire.MoqtVersions;
using static MoqLive.Moqt.Tests.Session.TrackTestExtensions;

namespace MoqLive.Moqt.Tests.Session;

/// <summary>FETCH, TRACK_STATUS, PUBLISH_NAMESPACE, SUBSCRIBE_NAMESPACE and PUBLISH over a session pair.</summary>
public sealed class MoqtSessionRequestTests
{
    public static TheoryData<MoqtVersion> Versions() => [.. MoqtVersions.Supported];

    private static readonly TrackNamespace Alice = TrackNamespace.Of("live", "alice");
    private static readonly FullTrackName Video = FullTrackName.Create(Alice, "video");

    private static TrackProducer TrackWithGroups(TestPublisher publisher, int groups, int objectsPerGroup)
    {
        TrackProducer track = publisher.AddTrack(Video);
        for (int g = 0; g < groups; g++)
        {
            SubgroupProducer subgroup = track.CreateGroup((ulong)g).CreateSubgroup(0);
            for (int o = 0; o < objectsPerGroup; o++)
                subgroup.Write((ulong)o, Text($"g{g}o{o}"));
            subgroup.Complete();
        }

        return track;
    }

    private static async Task<List<string>> ReadAllAsync(FetchConsumer objects)
    {
        var result = new List<string>();
        while (true)
        {
            ObjectReadResult read = await objects.ReadObjectAsync().AsTask().WithTimeout();
            if (read.Status != ObjectReadStatus.Object)
            {
                Assert.Equal(ObjectReadStatus.End, read.Status);
                return result;
            }

            result.Add($"{read.Object!.Location}={System.Text.Encoding.UTF8.GetString(read.Object.Payload.Span)}");
            read.Object.Release();
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Fetch_Standalone_ReturnsRangeAndEndLocation(MoqtVersion version)
    {
        var publisher = new TestPublisher();
        TrackWithGroups(publisher, groups: 3, objectsPerGroup: 2);
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Publisher = publisher });

        FetchResult result = await pair.Client.FetchAsync(FetchRequest.Standalone(Video, new Location(0, 1), new Location(1, ulong.MaxValue))).AsTask().WithTimeout();
        Assert.True(result.IsOk, result.ToString());
        using FetchConsumer objects = result.Value!.Objects;
        Assert.Equal(new Location(1, ulong.MaxValue), result.Value.EndLocation);
        Assert.False(result.Value.EndOfTrack);
        Assert.Equal(["{0, 1}=g0o1", "{1, 0}=g1o0", "{1, 1}=g1o1"], await ReadAllAsync(objects));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Fetch_Descending_GroupsNewestFirstObjectsAscendingWithinAGroup(MoqtVersion version)
    {
        var publisher = new TestPublisher();
        TrackWithGroups(publisher, groups: 3, objectsPerGroup: 2);
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Publisher = publisher });

        // draft-19 §"FETCH": GROUP_ORDER Descending sends the groups newest first, objects by ID within each group.
        FetchResult result = await pair.Client.FetchAsync(FetchRequest.Standalone(Video, new Location(0, 1), new Location(2, ulong.MaxValue), GroupOrder.Descending)).AsTask().WithTimeout();
        Assert.True(result.IsOk, result.ToString());
        using FetchConsumer objects = result.Value!.Objects;
        Assert.Equal(["{2, 0}=g2o0", "{2, 1}=g2o1", "{1, 0}=g1o0", "{1, 1}=g1o1", "{0, 1}=g0o1"], await ReadAllAsync(objects));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Fetch_BeyondLargest_EndLocationIsLargest(MoqtVersion version)
    {
        var publisher = new TestPublisher();
        TrackWithGroups(publisher, groups: 2, objectsPerGroup: 2);
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Publisher = publisher });
        FetchResult result = await pair.Client.FetchAsync(FetchRequest.Standalone(Video, new Location(1, 0), new Location(9, 0))).AsTask().WithTimeout();
        using FetchConsumer objects = result.GetValueOrThrow().Objects;
        Assert.Equal(new Location(1, 1), result.Value!.EndLocation);
        Assert.Equal(["{1, 0}=g1o0", "{1, 1}=g1o1"], await ReadAllAsync(objects));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Fetch_UnknownTrack_ReturnsRequestError(MoqtVersion version)
    {
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Publisher = new TestPublisher() });
        FetchResult result = await pair.Client.FetchAsync(FetchRequest.Standalone(Video, new Location(0, 0), new Location(1, 0))).AsTask().WithTimeout();
        Assert.Equal(RequestErrorCode.DoesNotExist, result.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Fetch_StartBeyondLargest_ReturnsInvalidRange(MoqtVersion version)
    {
        var publisher = new TestPublisher();
        TrackWithGroups(publisher, groups: 1, objectsPerGroup: 1);
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Publisher = publisher });
        FetchResult result = await pair.Client.FetchAsync(FetchRequest.Standalone(Video, new Location(5, 0), new Location(6, 0))).AsTask().WithTimeout();
        Assert.Equal(RequestErrorCode.InvalidRange, result.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Fetch_RelativeJoining_FillsUpToTheSubscription(MoqtVersion version)
    {
        var publisher = new TestPublisher();
        TrackProducer track = TrackWithGroups(publisher, groups: 3, objectsPerGroup: 2);
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Publisher = publisher });
        SubscribeResult subscribed = await pair.Client.SubscribeAsync(Video).AsTask().WithTimeout();
        using TrackConsumer live = subscribed.GetValueOrThrow().Track;
        Assert.Equal(new Location(2, 1), subscribed.Value!.LargestLocation);

        // Joining Location {2,1}: one group back starts at {1,0}.
        FetchResult result = await pair.Client.FetchAsync(FetchRequest.RelativeJoining(live, 1)).AsTask().WithTimeout();
        using FetchConsumer objects = result.GetValueOrThrow().Objects;
        Assert.Equal(["{1, 0}=g1o0", "{1, 1}=g1o1", "{2, 0}=g2o0", "{2, 1}=g2o1"], await ReadAllAsync(objects));

        // New objects still arrive on the subscription.
        SubgroupProducer next = track.CreateGroup(3).CreateSubgroup(0);
        next.Write(0, Text("live"));
        next.Complete();
        (List<(ulong ObjectId, string Payload)> liveObjects, _, _) = await live.ReadSubgroupAsync();
        Assert.Equal([(0UL, "live")], liveObjects);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Fetch_AbsoluteJoining_StartsAtGroup(MoqtVersion version)
    {
        var publisher = new TestPublisher();
        TrackWithGroups(publisher, groups: 3, objectsPerGroup: 1);
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Publisher = publisher });
        using TrackConsumer live = (await pair.Client.SubscribeAsync(Video).AsTask().WithTimeout()).GetValueOrThrow().Track;
        FetchResult result = await pair.Client.FetchAsync(FetchRequest.AbsoluteJoining(live, 2)).AsTask().WithTimeout();
        using FetchConsumer objects = result.GetValueOrThrow().Objects;
        Assert.Equal(["{2, 0}=g2o0"], await ReadAllAsync(objects));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task TrackStatus_KnownAndUnknownTracks(MoqtVersion version)
    {
        var publisher = new TestPublisher();
        TrackWithGroups(publisher, groups: 2, objectsPerGroup: 3);
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Publisher = publisher });

        TrackStatusResult ok = await pair.Client.TrackStatusAsync(Video).AsTask().WithTimeout();
        Assert.True(ok.IsOk, ok.ToString());
        Assert.Equal(new Location(1, 2), ok.Value!.LargestLocation);
        Assert.Equal(Video, ok.Value.Track.Name);

        TrackStatusResult missing = await pair.Client.TrackStatusAsync(FullTrackName.Create(Alice, "audio")).AsTask().WithTimeout();
        Assert.Equal(RequestErrorCode.DoesNotExist, missing.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task PublishNamespace_PeerSubscribesBackThroughTheSession(MoqtVersion version)
    {
        var subscriber = new TestSubscriber();
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Subscriber = subscriber });

        // The client (a streamer) announces its namespace with its own publisher behind it.
        var local = new TestPublisher();
        TrackProducer track = local.AddTrack(Video);
        PublishNamespaceResult announced = await pair.Client.PublishNamespaceAsync(Alice, local).AsTask().WithTimeout();
        Assert.True(announced.IsOk, announced.ToString());

        (TrackNamespace ns, IPublisher upstream) = await subscriber.Announced.Task.WithTimeout();
        Assert.Equal(Alice, ns);
        Assert.Same(pair.Server, upstream);

        // The server (a relay) subscribes back through the session it got.
        using TrackConsumer consumer = (await upstream.SubscribeAsync(Video).AsTask().WithTimeout()).GetValueOrThrow().Track;
        SubgroupProducer subgroup = track.CreateGroup(0).CreateSubgroup(0);
        subgroup.Write(0, Text("hello"));
        subgroup.Complete();
        (List<(ulong ObjectId, string Payload)> objects, _, _) = await consumer.ReadSubgroupAsync();
        Assert.Equal([(0UL, "hello")], objects);

        // Withdrawing cancels the request; the relay's registration is disposed.
        await announced.Value!.DisposeAsync();
        await subscriber.Withdrawn.Task.WithTimeout();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task PublishNamespace_Refused_ReturnsRequestError(MoqtVersion version)
    {
        var subscriber = new TestSubscriber { Refuse = RequestErrorCode.Unauthorized };
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Subscriber = subscriber });
        PublishNamespaceResult result = await pair.Client.PublishNamespaceAsync(Alice, new TestPublisher()).AsTask().WithTimeout();
        Assert.Equal(RequestErrorCode.Unauthorized, result.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task SubscribeNamespace_ReceivesNamespaceAndNamespaceDone(MoqtVersion version)
    {
        var namespaces = new NamespaceProducer(TrackNamespace.Of("live"));
        var publisher = new TestPublisher { Namespaces = namespaces };
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Publisher = publisher });

        namespaces.Announce(Alice);
        SubscribeNamespaceResult result = await pair.Client.SubscribeNamespaceAsync(TrackNamespace.Of("live")).AsTask().WithTimeout();
        using NamespaceConsumer consumer = result.GetValueOrThrow();
        Assert.Equal(new NamespaceEvent(Alice, true), await consumer.NextAsync().AsTask().WithTimeout());

        TrackNamespace bob = TrackNamespace.Of("live", "bob");
        namespaces.Announce(bob);
        Assert.Equal(new NamespaceEvent(bob, true), await consumer.NextAsync().AsTask().WithTimeout());
        namespaces.Withdraw(Alice);
        Assert.Equal(new NamespaceEvent(Alice, false), await consumer.NextAsync().AsTask().WithTimeout());

        SubscribeNamespaceResult missing = await pair.Client.SubscribeNamespaceAsync(TrackNamespace.Of("vod")).AsTask().WithTimeout();
        Assert.Equal(RequestErrorCode.DoesNotExist, missing.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Publish_TrackPushedToPeer_ObjectsFlow(MoqtVersion version)
    {
        var subscriber = new TestSubscriber();
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Subscriber = subscriber });

        var track = new TrackProducer(new TrackInfo(Video, 32));
        PublishResult published = await pair.Client.PublishAsync(track.Subscribe()).AsTask().WithTimeout();
        Assert.True(published.IsOk, published.ToString());

        TrackConsumer received = await subscriber.Published.Task.WithTimeout();
        Assert.Equal(Video, received.Name);
        Assert.Equal(32, received.Info.PublisherPriority);

        SubgroupProducer subgroup = track.CreateGroup(0).CreateSubgroup(0);
        subgroup.Write(0, Text("pushed"));
        subgroup.Complete();
        (List<(ulong ObjectId, string Payload)> objects, _, _) = await received.ReadSubgroupAsync();
        Assert.Equal([(0UL, "pushed")], objects);

        track.Complete();
        TrackReadResult end = await received.NextGroupAsync().AsTask().WithTimeout();
        Assert.True(end.IsEnd);
        received.Dispose();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Publish_Refused_ReturnsRequestError(MoqtVersion version)
    {
        var subscriber = new TestSubscriber { Refuse = RequestErrorCode.Uninterested };
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Subscriber = subscriber });
        var track = new TrackProducer(new TrackInfo(Video));
        using TrackConsumer consumer = track.Subscribe();
        PublishResult result = await pair.Client.PublishAsync(consumer).AsTask().WithTimeout();
        Assert.Equal(RequestErrorCode.Uninterested, result.ErrorCode);
    }
}
