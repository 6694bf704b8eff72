using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using MoqLive.Media.Catalog;
using MoqLive.Media.Loc;
using MoqLive.Media.Mp4;
using MoqLive.Media.Publishing;
using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session;
using MoqLive.Moqt.Wire;
using MoqLive.Testing;
using MoqLive.Transport.InMemory;
using static MoqLive.Media.Tests.Mp4.Mp4Builder;
using FullTrackName = MoqLive.Moqt.Model.FullTrackName;
using ObjectStatus = MoqLive.Moqt.Model.ObjectStatus;
using TrackNamespace = MoqLive.Moqt.Model.TrackNamespace;

namespace MoqLive.Media.Tests.Publishing;

/// <summary>
/// The channel publisher over MOQT sessions on the in-memory transport, with fake time: track names, group/object
/// mapping, LOC properties, catalog, pacing and loop.
/// </summary>
public sealed class MediaChannelPublisherTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 4, 0, 0, TimeSpan.Zero);
    private static readonly long StartUs = (Start - DateTimeOffset.UnixEpoch).Ticks / 10;
    private static readonly ulong StartMs = (ulong)Start.ToUnixTimeMilliseconds();

    private sealed record Received(ulong Group, ulong Object, long Timestamp, byte[]? Config, byte[] Payload);

    private static Task<MediaChannelPublisher> OpenAsync(FakeTimeProvider time, bool loop = false, bool live = false) =>
        MediaChannelPublisher.OpenAsync(() => File.OpenRead(TestMedia.FilePath),
            new MediaPublishOptions { Channel = "test-1", Title = "Test pattern", Loop = loop, Live = live, TimeProvider = time, CacheGroups = 64 });

    /// <summary>Reads every object of a track into <paramref name="into"/> until the track ends or the token fires.</summary>
    private static async Task CollectAsync(TrackConsumer consumer, ConcurrentQueue<Received> into, CancellationToken cancellationToken)
    {
        var readers = new List<Task>();
        while (true)
        {
            TrackReadResult next = await consumer.NextGroupAsync(cancellationToken);
            if (next.IsEnd)
                break;
            GroupConsumer group = next.Group!;
            readers.Add(Task.Run(async () =>
            {
                while (await group.NextSubgroupAsync(cancellationToken) is { } subgroup)
                {
                    while (true)
                    {
                        ObjectReadResult read = await subgroup.ReadObjectAsync(cancellationToken);
                        if (read.Status != ObjectReadStatus.Object)
                            break;
                        MoqtObject obj = read.Object!;
                        if (obj.Status == ObjectStatus.Normal)
                        {
                            Assert.True(LocProperties.TryGetTimestamp(obj.Properties, out long timestamp) || obj.Properties.Count == 0);
                            byte[]? config = LocProperties.TryGetVideoConfig(obj.Properties, out ReadOnlyMemory<byte> c) ? c.ToArray() : null;
                            into.Enqueue(new Received(obj.GroupId, obj.ObjectId, obj.Properties.Count == 0 ? -1 : timestamp, config, obj.Payload.Span.ToArray()));
                        }
                        obj.Release();
                    }
                }
            }, cancellationToken));
        }
        await Task.WhenAll(readers);
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) => Poll.UntilAsync(condition, TestTimeouts.Long, what);

    private static long VideoDueUs(int n) => TestMedia.VideoDecodeTime(n) * 1_000_000 / TestMedia.VideoTimescale;

    /// <summary>The relay's side of PUBLISH: keeps every pushed track and accepts it with forwarding on.</summary>
    private sealed class PushedTracks : ISubscriber
    {
        public ConcurrentDictionary<string, TrackConsumer> Tracks { get; } = new();

        public ValueTask<PublishNamespaceResult> PublishNamespaceAsync(TrackNamespace trackNamespace, IPublisher publisher, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(PublishNamespaceResult.Error(RequestErrorCode.NotSupported, "not in this test"));

        public ValueTask<PublishResult> PublishAsync(TrackConsumer track, PublishOptions? options = null, CancellationToken cancellationToken = default)
        {
            Tracks[System.Text.Encoding.UTF8.GetString(track.Name.Name.Span)] = track;
            return ValueTask.FromResult(PublishResult.Ok(new PublishOk()));
        }
    }

    [Fact]
    public async Task PublishTracksAsync_OverSession_EveryTrackPushedWholeBeforeAnySubscribe()
    {
        var time = new FakeTimeProvider(Start);
        using MediaChannelPublisher media = await OpenAsync(time).WithTimeout();
        var relay = new PushedTracks();
        (InMemorySession clientTransport, InMemorySession serverTransport) = InMemorySessionPair.Create(new InMemorySessionOptions { Protocol = MoqtVersion.Draft19.GetAlpn() });
        Task<MoqtSession> connect = MoqtSession.ConnectAsync(clientTransport, new MoqtSessionOptions { Publisher = media.Publisher });
        Task<MoqtSession> accept = MoqtSession.AcceptAsync(serverTransport, new MoqtSessionOptions { Subscriber = relay });
        await using MoqtSession publisherSession = await connect.WithTimeout();
        await using MoqtSession relaySession = await accept.WithTimeout();

        var answers = await media.Publisher.PublishTracksAsync(publisherSession).WithTimeout();
        Assert.All(answers, a => Assert.True(a.Result.IsOk, a.Result.ToString()));
        Assert.Equal(3, answers.Count);
        Assert.Equal(["audio", "catalog", "video/hd"], relay.Tracks.Keys.Order());

        var video = new ConcurrentQueue<Received>();
        var catalog = new ConcurrentQueue<Received>();
        using var stop = new CancellationTokenSource();
        Task collecting = Task.WhenAll(
            CollectAsync(relay.Tracks["video/hd"], video, stop.Token),
            CollectAsync(relay.Tracks["catalog"], catalog, stop.Token));
        Task<MediaPublishStatistics> run = media.RunAsync();
        while (!run.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Yield();
        }

        await run.WithTimeout();
        await collecting.WithTimeout(TestTimeouts.Long);

        // The relay got every object from the first, with no SUBSCRIBE: the first group's key frame and the live catalog.
        Assert.Equal(TestMedia.VideoSamples, video.Count);
        Assert.Contains(video, r => r.Group == StartMs && r.Object == 0);
        Assert.Equal([StartMs, StartMs + 1], catalog.Select(c => c.Group).Order());
    }

    [Fact]
    public async Task Run_TestFileOverSession_GroupsObjectsPropertiesAndCatalog()
    {
        var time = new FakeTimeProvider(Start);
        using MediaChannelPublisher media = await OpenAsync(time).WithTimeout();
        (InMemorySession clientTransport, InMemorySession serverTransport) = InMemorySessionPair.Create(new InMemorySessionOptions { Protocol = MoqtVersion.Draft19.GetAlpn() });
        Task<MoqtSession> connect = MoqtSession.ConnectAsync(clientTransport, new MoqtSessionOptions { Publisher = media.Publisher });
        Task<MoqtSession> accept = MoqtSession.AcceptAsync(serverTransport);
        await using MoqtSession publisherSession = await connect.WithTimeout();
        await using MoqtSession relaySession = await accept.WithTimeout();

        TrackNamespace ns = TrackNamespace.Of("live", "test-1");
        Assert.Equal(ns, media.Namespace);
        var video = new ConcurrentQueue<Received>();
        var audio = new ConcurrentQueue<Received>();
        var catalog = new ConcurrentQueue<Received>();
        using var stop = new CancellationTokenSource();
        var collectors = new List<Task>();
        foreach ((string name, ConcurrentQueue<Received> queue) in new[] { ("video/hd", video), ("audio", audio), ("catalog", catalog) })
        {
            SubscribeResult result = await relaySession.SubscribeAsync(FullTrackName.Create(ns, name), SubscribeOptions.Default).WithTimeout();
            Assert.True(result.IsOk, $"{name}: {result.Reason}");
            collectors.Add(CollectAsync(result.Value!.Track, queue, stop.Token));
        }
        Assert.False((await relaySession.SubscribeAsync(FullTrackName.Create(ns, "video/sd"), SubscribeOptions.Default).WithTimeout()).IsOk);

        Task<MediaPublishStatistics> run = media.RunAsync();
        // Step the clock through the file; objects arrive when due, never before.
        for (long elapsedUs = 0; !run.IsCompleted; elapsedUs += 10_000)
        {
            int due = Enumerable.Range(0, TestMedia.VideoSamples).Count(n => VideoDueUs(n) <= elapsedUs);
            await WaitUntilAsync(() => video.Count >= due || run.IsCompleted, $"{due} video objects at {elapsedUs} µs");
            Assert.True(video.Count <= due, $"{video.Count} video objects at {elapsedUs} µs, only {due} due");
            time.Advance(TimeSpan.FromMilliseconds(10));
        }
        MediaPublishStatistics stats = await run.WithTimeout();
        await Task.WhenAll(collectors).WithTimeout(TestTimeouts.Long);

        Assert.Equal(new MediaPublishStatistics(90, 3, 151, 1), stats);
        Received[] frames = [.. video.OrderBy(r => r.Group).ThenBy(r => r.Object)];
        Assert.Equal(TestMedia.VideoSamples, frames.Length);
        byte[] avcC = TestMedia.AvcCBody;
        for (int n = 0; n < frames.Length; n++)
        {
            Assert.Equal(StartMs + (ulong)(n / 30), frames[n].Group); // one group per GOP, IDs from the start time in ms
            Assert.Equal((ulong)(n % 30), frames[n].Object);
            Assert.Equal(StartUs + VideoDueUs(n), frames[n].Timestamp);
            if (n % 30 == 0)
                Assert.Equal(avcC, frames[n].Config);
            else
                Assert.Null(frames[n].Config);
        }
        Received[] packets = [.. audio.OrderBy(r => r.Group).ThenBy(r => r.Object)];
        Assert.Equal(TestMedia.AudioSamples, packets.Length);
        for (int n = 0; n < packets.Length; n++)
        {
            Assert.Equal(StartMs + (ulong)(n / 50), packets[n].Group); // a group per 50 packets (1 s)
            Assert.Equal((ulong)(n % 50), packets[n].Object);
            Assert.Equal(StartUs + n * 20_000L, packets[n].Timestamp);
            Assert.Null(packets[n].Config);
        }

        Received[] catalogs = [.. catalog.OrderBy(r => r.Group)];
        Assert.Equal([StartMs, StartMs + 1], catalogs.Select(c => c.Group));
        MsfCatalog live = MsfCatalogJson.Parse(catalogs[0].Payload);
        Assert.Equal("Test pattern", live.Title);
        Assert.False(live.IsComplete);
        Assert.Equal((long)StartMs, live.GeneratedAt);
        MsfCatalogTrack v = live.Tracks.Single(t => t.Name == "video/hd");
        Assert.Equal(("video", "avc1.64000d", 320, 180, 30.0, 1), (v.Role, v.Codec, v.Width, v.Height, v.Framerate, v.AltGroup));
        Assert.Equal(avcC, v.InitData);
        Assert.InRange(v.Bitrate!.Value, 100_000, 1_000_000);
        MsfCatalogTrack a = live.Tracks.Single(t => t.Name == "audio");
        Assert.Equal(("audio", "opus", 48000, "2"), (a.Role, a.Codec, a.Samplerate, a.ChannelConfig));
        Assert.Equal(2, live.Tracks.Count);
        MsfCatalog final = MsfCatalogJson.Parse(catalogs[1].Payload);
        Assert.True(final.IsComplete);
        Assert.Empty(final.Tracks);
    }

    [Fact]
    public async Task Run_Paced_FrameWrittenOnlyWhenDue()
    {
        var time = new FakeTimeProvider(Start);
        using MediaChannelPublisher media = await OpenAsync(time).WithTimeout();
        using var stop = new CancellationTokenSource();
        Task<MediaPublishStatistics> run = media.RunAsync(stop.Token);
        long Written() => media.VideoTrack!.GetStatistics().ObjectsWritten;

        await WaitUntilAsync(() => Written() == 1, "the first frame at once");
        // Frame 1 is due at 612/15360 s = 39.84 ms.
        time.Advance(TimeSpan.FromMilliseconds(39));
        await Task.Delay(50);
        Assert.Equal(1, Written());
        time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitUntilAsync(() => Written() == 2, "the second frame when due");

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WithTimeout());
    }

    [Fact]
    public async Task Run_Live_SamplesSentAsSoonAsReadWithTimestampsNeverDecreasing()
    {
        var time = new FakeTimeProvider(Start);
        using MediaChannelPublisher media = await OpenAsync(time, live: true).WithTimeout();
        using TrackConsumer consumer = media.VideoTrack!.Subscribe(new TrackConsumerOptions { Start = TrackStart.LargestObject, MaxLagGroups = 100 });
        var video = new ConcurrentQueue<Received>();
        using var stop = new CancellationTokenSource();
        Task collect = CollectAsync(consumer, video, stop.Token);

        // The whole input is already there and the clock stands still: a live publisher holds nothing back.
        MediaPublishStatistics statistics = await media.RunAsync(stop.Token).WithTimeout();
        Assert.Equal(TestMedia.VideoSamples, statistics.VideoObjects);
        await collect.WithTimeout();

        Received[] frames = [.. video.OrderBy(r => r.Group).ThenBy(r => r.Object)];
        Assert.Equal(TestMedia.VideoSamples, frames.Length);
        for (int i = 1; i < frames.Length; i++)
            Assert.True(frames[i].Timestamp >= frames[i - 1].Timestamp, $"timestamp went back at frame {i}");
        Assert.All(frames, f => Assert.InRange(f.Timestamp, StartUs, StartUs + 1_000_000));
    }

    [Fact]
    public async Task Run_Loop_TimestampsAndGroupIdsKeepIncreasing()
    {
        var time = new FakeTimeProvider(Start);
        using MediaChannelPublisher media = await OpenAsync(time, loop: true).WithTimeout();
        using TrackConsumer consumer = media.VideoTrack!.Subscribe(new TrackConsumerOptions { Start = TrackStart.LargestObject, MaxLagGroups = 100 });
        var video = new ConcurrentQueue<Received>();
        using var stop = new CancellationTokenSource();
        Task collect = CollectAsync(consumer, video, stop.Token);
        Task<MediaPublishStatistics> run = media.RunAsync(stop.Token);

        // Two passes and a bit: 7 GOPs. Each pass lasts until the end of its last video frame, 46180/15360 s.
        const long PassUs = 3_006_510;
        for (long elapsedUs = 0; video.Count < 7 * 30; elapsedUs += 10_000)
        {
            int due = Enumerable.Range(0, 3).Sum(p => Enumerable.Range(0, TestMedia.VideoSamples).Count(n => p * PassUs + VideoDueUs(n) <= elapsedUs));
            await WaitUntilAsync(() => video.Count >= due, $"{due} video objects at {elapsedUs} µs");
            time.Advance(TimeSpan.FromMilliseconds(10));
        }
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WithTimeout());

        Received[] frames = [.. video.OrderBy(r => r.Group).ThenBy(r => r.Object)];
        Assert.Equal(Enumerable.Range(0, 7).Select(i => StartMs + (ulong)i), frames.Select(f => f.Group).Distinct().Take(7));
        for (int i = 1; i < frames.Length; i++)
            Assert.True(frames[i].Timestamp > frames[i - 1].Timestamp, $"timestamp went back at frame {i}");
        // Seamless: the first frame of the second pass follows the last of the first by about one frame duration.
        Assert.Equal(StartUs + PassUs, frames[90].Timestamp);
        Assert.Equal(StartUs + 2 * PassUs + VideoDueUs(1), frames[181].Timestamp);
        Assert.Equal(TestMedia.AvcCBody, frames[90].Config);
    }

    /// <summary>
    /// A simulcast input: two video tracks of the same frames (the smaller listed first), one fragment per sample, and
    /// the 640x360 copy of frame 3 arriving after the 1280x720 frame 4, as an encoder's interleaving may deliver it.
    /// </summary>
    private static byte[] SimulcastInput(int frames, int gop)
    {
        const uint Sync = 0x02000000, NonSync = 0x01010000;
        var file = new List<byte>([.. Ftyp(), .. Moov(
            [Trak(1, "vide", 90000, Avc1(640, 360, AvcC())), Trak(2, "vide", 90000, Avc1(1280, 720, AvcC()))], [Trex(1), Trex(2)])]);
        var order = new List<(uint Track, int Frame)>();
        for (int n = 0; n < frames; n++)
        {
            order.Add((2, n));
            if (n == 4)
                order.Add((1, 3));
            if (n != 3)
                order.Add((1, n));
        }
        uint sequence = 1;
        foreach ((uint track, int n) in order)
        {
            // Key frames are larger (40 bytes against 8), as in a real encode.
            byte[] data = [.. U32(4), (byte)track, (byte)n, 0, 0, .. Zeros(n % gop == 0 ? 32 : 0)];
            file.AddRange(Fragment(sequence++, track, (ulong)n * 3000, 0x020000, 0x305, [new(3000, data, n % gop == 0 ? Sync : NonSync)]));
        }
        return [.. file];
    }

    [Fact]
    public async Task Run_TwoVideoTracks_SimulcastRenditionsWithSharedGroupsAndTimestamps()
    {
        var time = new FakeTimeProvider(Start);
        byte[] input = SimulcastInput(frames: 9, gop: 3);
        using MediaChannelPublisher media = await MediaChannelPublisher.OpenAsync(() => new MemoryStream(input),
            new MediaPublishOptions { Channel = "abr", Live = true, TimeProvider = time, CacheGroups = 64 }).WithTimeout();

        Assert.Equal(["video/hd", "video/sd"], media.Catalog.Tracks.Select(t => t.Name));
        Assert.Equal([(1280, 720, 1), (640, 360, 1)], media.Catalog.Tracks.Select(t => (t.Width, t.Height, t.AltGroup ?? 0)));
        Assert.Equal([(byte)128, (byte)96], media.VideoTracks.Select(t => t.Info.PublisherPriority));
        // The bitrate covers every fragment read ahead (all 0.3 s here), not the first (a key frame alone: 9600 bit/s).
        Assert.Equal([4480L, 4480L], media.Catalog.Tracks.Select(t => t.Bitrate ?? 0));
        ConcurrentQueue<Received>[] received = [new(), new()];
        using var stop = new CancellationTokenSource();
        var collectors = new List<Task>();
        var consumers = new List<TrackConsumer>();
        for (int i = 0; i < 2; i++)
        {
            TrackConsumer consumer = media.VideoTracks[i].Subscribe(new TrackConsumerOptions { Start = TrackStart.LargestObject, MaxLagGroups = 100 });
            consumers.Add(consumer);
            collectors.Add(CollectAsync(consumer, received[i], stop.Token));
        }

        // Live: the clock stands still, so the mapping moves back with every frame read; the late 640x360 frame 3 still
        // gets its 1280x720 twin's TIMESTAMP.
        MediaPublishStatistics statistics = await media.RunAsync(stop.Token).WithTimeout();
        await Task.WhenAll(collectors).WithTimeout(TestTimeouts.Long);
        consumers.ForEach(c => c.Dispose());

        Assert.Equal(18, statistics.VideoObjects);
        Assert.Equal(6, statistics.VideoGroups);
        Received[] hd = [.. received[0].OrderBy(r => r.Group).ThenBy(r => r.Object)];
        Received[] sd = [.. received[1].OrderBy(r => r.Group).ThenBy(r => r.Object)];
        Assert.Equal(9, hd.Length);
        Assert.Equal(9, sd.Length);
        for (int n = 0; n < 9; n++)
        {
            Assert.Equal((StartMs + (ulong)(n / 3), (ulong)(n % 3)), (hd[n].Group, hd[n].Object));
            Assert.Equal((hd[n].Group, hd[n].Object, hd[n].Timestamp), (sd[n].Group, sd[n].Object, sd[n].Timestamp));
            Assert.Equal((2, n), (hd[n].Payload[4], (int)hd[n].Payload[5]));
            Assert.Equal((1, n), (sd[n].Payload[4], (int)sd[n].Payload[5]));
        }
    }

    [Fact]
    public async Task Run_MpegTsWithTwoH264Streams_SimulcastChannelFromTheTs()
    {
        var time = new FakeTimeProvider(Start);
        string ts = Path.Combine(RepositoryRoot.Path, "testdata", "media", "testsrc2-simulcast-h264.ts");
        using MediaChannelPublisher media = await MediaChannelPublisher.OpenAsync(() => File.OpenRead(ts),
            new MediaPublishOptions { Channel = "ts", Live = true, TimeProvider = time, CacheGroups = 64 }).WithTimeout();

        Assert.Equal(["video/hd", "video/sd"], media.Catalog.Tracks.Select(t => t.Name));
        Assert.Equal([(320, 180, "avc1.64000d", 30.0), (160, 90, "avc1.64000b", 30.0)],
            media.Catalog.Tracks.Select(t => (t.Width, t.Height, t.Codec, t.Framerate ?? 0)));
        Assert.All(media.Catalog.Tracks, t => Assert.Equal(0x01, t.InitData![0])); // avcC configurationVersion
        ConcurrentQueue<Received>[] received = [new(), new()];
        using var stop = new CancellationTokenSource();
        TrackConsumer[] consumers = [.. media.VideoTracks.Select(t => t.Subscribe(new TrackConsumerOptions { Start = TrackStart.LargestObject, MaxLagGroups = 100 }))];
        Task[] collectors = [.. consumers.Select((c, i) => CollectAsync(c, received[i], stop.Token))];

        MediaPublishStatistics statistics = await media.RunAsync(stop.Token).WithTimeout();
        await Task.WhenAll(collectors).WithTimeout(TestTimeouts.Long);
        Array.ForEach(consumers, c => c.Dispose());

        Assert.Equal((60, 4), (statistics.VideoObjects, statistics.VideoGroups));
        Received[] hd = [.. received[0].OrderBy(r => r.Group).ThenBy(r => r.Object)];
        Received[] sd = [.. received[1].OrderBy(r => r.Group).ThenBy(r => r.Object)];
        Assert.Equal(30, hd.Length);
        for (int n = 0; n < 30; n++)
        {
            Assert.Equal((StartMs + (ulong)(n / 15), (ulong)(n % 15)), (hd[n].Group, hd[n].Object));
            Assert.Equal((hd[n].Group, hd[n].Object, hd[n].Timestamp), (sd[n].Group, sd[n].Object, sd[n].Timestamp));
            Assert.Equal(n % 15 == 0 ? media.Catalog.Tracks[0].InitData : null, hd[n].Config);
        }
    }

    [Fact]
    public async Task Open_ThreeVideoTracks_FailsWithMp4FormatException()
    {
        byte[] input = [.. Ftyp(), .. Moov(
            [Trak(1, "vide", 90000, Avc1(640, 360, AvcC())), Trak(2, "vide", 90000, Avc1(1280, 720, AvcC())), Trak(3, "vide", 90000, Avc1(320, 180, AvcC()))],
            [Trex(1), Trex(2), Trex(3)]), .. Fragment(1, 1, 0, 0x020000, 0x305, [new(3000, [0, 0, 0, 1, 9], 0x02000000)])];
        var e = await Assert.ThrowsAsync<Mp4FormatException>(() => MediaChannelPublisher.OpenAsync(() => new MemoryStream(input),
            new MediaPublishOptions { Channel = "abr", TimeProvider = new FakeTimeProvider(Start) }).WithTimeout());
        Assert.Contains("3 video tracks", e.Message, StringComparison.Ordinal);
    }
}
