using Microsoft.Extensions.Time.Testing;
using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session;
using MoqLive.Testing;
using MoqLive.Transport.InMemory;
using MoqtVersion = MoqLive.Moqt.Wire.MoqtVersion;
using MoqtVersions = MoqLive.Moqt.Wire.MoqtVersions;
using MoqtPropertyType = MoqLive.Moqt.Wire.MoqtPropertyType;
using static MoqLive.Moqt.Tests.Session.TrackTestExtensions;

namespace MoqLive.Moqt.Tests.Session;

/// <summary>draft-19 §"Delivery Timeouts and Data Reliability" over the in-memory pair with a fake clock.</summary>
public sealed class MoqtSessionDeliveryTimeoutTests
{
    private static readonly FullTrackName Video = FullTrackName.Create(TrackNamespace.Of("live", "alice"), "video");

    /// <summary>How old the cached group 0 is when the subscription starts.</summary>
    private static readonly TimeSpan Age = TimeSpan.FromSeconds(2);

    public static TheoryData<MoqtVersion, int?, int?, bool, bool> Cases()
    {
        var data = new TheoryData<MoqtVersion, int?, int?, bool, bool>();
        foreach (MoqtVersion version in MoqtVersions.Supported)
        {
            foreach (bool datagrams in new[] { false, true })
            {
                // (subscriber ms, publisher Track Property ms) → whether the 2 s old object is sent.
                data.Add(version, null, null, datagrams, true);
                data.Add(version, 1000, null, datagrams, false);
                data.Add(version, null, 1000, datagrams, false);
                data.Add(version, 5000, 1000, datagrams, false); // both set: the smaller applies
                data.Add(version, 1000, 5000, datagrams, false);
                data.Add(version, 5000, 3000, datagrams, true);
                data.Add(version, 0, 0, datagrams, true); // zero: no timeout
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Subscribe_ObjectsOlderThanTheDeliveryTimeout_AreNotSent(MoqtVersion version, int? subscriberMs, int? publisherMs, bool datagrams, bool oldSent)
    {
        var time = new FakeTimeProvider();
        MoqtProperties? trackProperties = publisherMs is { } ms
            ? MoqtProperties.Create([MoqtProperty.FromInt(MoqtPropertyType.ObjectDeliveryTimeout, (ulong)ms)])
            : null;
        var publisher = new TestPublisher { TimeProvider = time };
        TrackProducer track = publisher.AddTrack(Video, trackProperties: trackProperties);
        await using SessionPair pair = await SessionPair.CreateAsync(version,
            new MoqtSessionOptions { TimeProvider = time }, new MoqtSessionOptions { Publisher = publisher, TimeProvider = time });

        // The old object reached this process 2 s before it is served (as in a relay's cache): a first track stamps it.
        MoqtObject old = Stamp(time, new MoqtObject(0, 0, 0, TrackInfo.DefaultPublisherPriority, ObjectStatus.Normal, Text("old"),
            forwardingPreference: datagrams ? ForwardingPreference.Datagram : ForwardingPreference.Subgroup));
        time.Advance(Age);
        var options = new SubscribeOptions
        {
            Start = TrackStart.At(Location.Zero),
            ObjectDeliveryTimeout = subscriberMs is { } s ? TimeSpan.FromMilliseconds(s) : null,
        };
        SubscribeResult result = await pair.Client.SubscribeAsync(Video, options).AsTask().WithTimeout();
        using TrackConsumer consumer = result.GetValueOrThrow().Track;
        Assert.Equal(options.ObjectDeliveryTimeout, publisher.LastSubscribeOptions!.ObjectDeliveryTimeout);

        // Group 0: the old object, then a fresh one (datagrams: object 1; subgroups: subgroup 1, as an expired subgroup
        // gets no new stream). The group and the track end, so the subscriber's track ends once every stream was read.
        GroupProducer group = track.CreateGroup(0);
        var received = new List<string>();
        if (datagrams)
        {
            group.WriteDatagram(old);
            group.WriteDatagram(1, Text("fresh"));
        }
        else
        {
            SubgroupProducer first = group.CreateSubgroup(0);
            first.Write(old);
            first.Complete();
            SubgroupProducer second = group.CreateSubgroup(1);
            second.Write(1, Text("fresh"));
            second.Complete();
        }

        group.Complete();
        TrackReadResult next = await consumer.NextGroupAsync().AsTask().WithTimeout();
        Assert.Equal(0UL, next.Group!.GroupId);
        if (datagrams)
        {
            // Datagrams are sent and received in order: the old one, if sent, comes before the fresh one.
            SubgroupConsumer subgroup = (await next.Group.NextSubgroupAsync().AsTask().WithTimeout())!;
            while (!received.Contains("fresh"))
                received.Add(await ReadPayloadAsync(subgroup));
        }
        else
        {
            track.Complete();
            while (await next.Group.NextSubgroupAsync().AsTask().WithTimeout() is { } subgroup)
                received.Add(await ReadPayloadAsync(subgroup));
        }

        List<string> expected = oldSent ? ["fresh", "old"] : ["fresh"];
        Assert.Equal(expected, received.Order());
    }

    private static async Task<string> ReadPayloadAsync(SubgroupConsumer subgroup)
    {
        ObjectReadResult read = await subgroup.ReadObjectAsync().AsTask().WithTimeout();
        Assert.Equal(ObjectReadStatus.Object, read.Status);
        string payload = System.Text.Encoding.UTF8.GetString(read.Object!.Payload.Span);
        read.Object.Release();
        return payload;
    }

    /// <summary>Writes <paramref name="obj"/> to a track of its own on <paramref name="time"/>, which stamps it as received now.</summary>
    private static MoqtObject Stamp(TimeProvider time, MoqtObject obj)
    {
        using var first = new TrackProducer(new TrackInfo(Video), TrackProducerOptions.Default with { TimeProvider = time });
        GroupProducer group = first.CreateGroup(obj.GroupId);
        obj.Payload.Retain();
        if (obj.ForwardingPreference == ForwardingPreference.Datagram)
            group.WriteDatagram(obj);
        else
            group.CreateSubgroup(obj.SubgroupId).Write(obj);
        Assert.NotNull(obj.ReceivedTimestamp);
        return obj;
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Subscribe_FirstObjectProperty_OverridesTheTrackProperty(MoqtVersion version)
    {
        var time = new FakeTimeProvider();
        var publisher = new TestPublisher { TimeProvider = time };
        TrackProducer track = publisher.AddTrack(Video,
            trackProperties: MoqtProperties.Create([MoqtProperty.FromInt(MoqtPropertyType.ObjectDeliveryTimeout, 10_000)]));
        await using SessionPair pair = await SessionPair.CreateAsync(version,
            new MoqtSessionOptions { TimeProvider = time }, new MoqtSessionOptions { Publisher = publisher, TimeProvider = time });

        // Group 0's first object says 1 s (overriding the track's 10 s); group 1's first object says nothing.
        SubgroupProducer short0 = track.CreateGroup(0).CreateSubgroup(0);
        short0.Write(0, Text("short"), MoqtProperties.Create([MoqtProperty.FromInt(MoqtPropertyType.ObjectDeliveryTimeout, 1000)]));
        short0.Complete();
        SubgroupProducer long1 = track.CreateGroup(1).CreateSubgroup(0);
        long1.Write(0, Text("long"));
        long1.Complete();
        time.Advance(Age);

        using TrackConsumer consumer = (await pair.Client.SubscribeAsync(Video, new SubscribeOptions { Start = TrackStart.At(Location.Zero) })
            .AsTask().WithTimeout()).GetValueOrThrow().Track;
        (List<(ulong ObjectId, string Payload)> objects, _, GroupConsumer group) = await consumer.ReadSubgroupAsync();
        Assert.Equal(1UL, group.GroupId);
        Assert.Equal([(0UL, "long")], objects);
    }

    public static TheoryData<MoqtVersion> Versions() => [.. MoqtVersions.Supported];

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task SubgroupDeliveryTimeout_FinishedStreamNotDeliveredInTime_IsResetWithDeliveryTimeout(MoqtVersion version)
    {
        var time = new FakeTimeProvider();
        var publisher = new TestPublisher { TimeProvider = time };
        TrackProducer track = publisher.AddTrack(Video);
        (InMemorySession clientTransport, InMemorySession serverTransport) =
            InMemorySessionPair.Create(new InMemorySessionOptions { Protocol = MoqtVersions.GetAlpn(version) });
        var unacknowledged = new UnacknowledgedTransport(serverTransport);
        Task<MoqtSession> accept = MoqtSession.AcceptAsync(unacknowledged, new MoqtSessionOptions { Publisher = publisher, TimeProvider = time });
        await using MoqtSession client = await MoqtSession.ConnectAsync(clientTransport, new MoqtSessionOptions { TimeProvider = time }).WithTimeout();
        await using MoqtSession server = await accept.WithTimeout();

        using TrackConsumer consumer = (await client.SubscribeAsync(Video, new SubscribeOptions { SubgroupDeliveryTimeout = TimeSpan.FromSeconds(1) })
            .AsTask().WithTimeout()).GetValueOrThrow().Track;
        SubgroupProducer subgroup = track.CreateGroup(0).CreateSubgroup(0);
        subgroup.Write(0, Text("a"));
        subgroup.Complete();

        // The FIN is written but (as under loss) never acknowledged: the SUBGROUP_DELIVERY_TIMEOUT timer starts then, once
        // the session's FIN write has returned, a moment after the transport saw it. So the clock steps until the reset,
        // which must not come before the timeout.
        await Poll.UntilAsync(() => unacknowledged.Finished.Count == 1);
        UnacknowledgedStream stream = unacknowledged.Finished.Single();
        TimeSpan step = TimeSpan.FromMilliseconds(250), advanced = TimeSpan.Zero;
        using var limit = new CancellationTokenSource(TestTimeouts.Default);
        while (stream.ResetCode is null)
        {
            time.Advance(step);
            advanced += step;
            await Task.Delay(5, limit.Token);
        }
        Assert.Equal((ulong)StreamResetCode.DeliveryTimeout, stream.ResetCode);
        Assert.True(advanced >= TimeSpan.FromSeconds(1), $"reset after {advanced}");
    }
}
