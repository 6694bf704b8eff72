using Microsoft.Extensions.Time.Testing;
using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session;
using MoqLive.Testing;
using MoqLive.Transport;
using MoqLive.Transport.InMemory;
using W = MoqLive.Moqt.Wire;

namespace MoqLive.Moqt.Tests.Session;

/// <summary>A real client session against a hand-driven server, to produce orderings and errors a correct peer would not.</summary>
public sealed class MoqtSessionRawPeerTests
{
    public static TheoryData<W.MoqtVersion> Versions() => [.. W.MoqtVersions.Supported];

    private static readonly FullTrackName Video = FullTrackName.Create(TrackNamespace.Of("live"), "video");

    private sealed class RawServer
    {
        public required InMemorySession Transport { get; init; }

        public required MoqtSession Client { get; init; }

        public required ITransportSendStream Control { get; init; }

        public async Task<(ITransportStream Stream, W.MoqtControlMessage Request)> AcceptRequestAsync()
        {
            ITransportStream stream = await Transport.AcceptBidirectionalStreamAsync().AsTask().WithTimeout();
            return (stream, await ReadMessageAsync(stream));
        }

        /// <summary>Answers the client's next request with SUBSCRIBE_OK; returns its request stream and the subscription's track.</summary>
        public async Task<(ITransportStream Request, TrackConsumer Track)> AnswerSubscribeAsync(Task<SubscribeResult> subscribe, ulong trackAlias)
        {
            (ITransportStream request, _) = await AcceptRequestAsync();
            await request.WriteAsync(Encode(new W.SubscribeOk(trackAlias))).AsTask().WithTimeout();
            return (request, (await subscribe.WithTimeout()).GetValueOrThrow().Track);
        }

        /// <summary>The client's pending <paramref name="request"/> fails with <paramref name="code"/>, the code the client closed the session with.</summary>
        public async Task AssertClientClosedWithAsync(Task request, W.MoqtErrorCode code)
        {
            MoqtSessionException e = await Assert.ThrowsAsync<MoqtSessionException>(() => request.WithTimeout());
            Assert.Equal(code, e.ErrorCode);
            Assert.Equal((ulong)code, (await Transport.Closed.WithTimeout()).ErrorCode);
        }

        /// <summary>The raw peer subscribes to live/video as Request ID 1 (the server's first: they are odd) on a new request stream.</summary>
        public async Task<ITransportStream> SubscribeAsync(W.MessageParameters? parameters = null)
        {
            ITransportStream request = await Transport.OpenBidirectionalStreamAsync().AsTask().WithTimeout();
            var subscribe = new W.Subscribe(1, W.TrackNamespace.FromStrings("live"), "video"u8.ToArray()) { Parameters = parameters ?? W.MessageParameters.Empty };
            await request.WriteAsync(Encode(subscribe)).AsTask().WithTimeout();
            return request;
        }

        public static async Task<W.MoqtControlMessage> ReadMessageAsync(ITransportReceiveStream stream)
        {
            var buffer = new List<byte>();
            var chunk = new byte[256];
            while (true)
            {
                if (W.ControlMessageCodec.TryRead(buffer.ToArray(), W.MoqtVersion.Draft19, out W.MoqtControlMessage message, out _))
                    return message;
                int read = await stream.ReadAsync(chunk).AsTask().WithTimeout();
                Assert.NotEqual(0, read);
                buffer.AddRange(chunk.AsSpan(0, read).ToArray());
            }
        }

        public static byte[] Encode(W.MoqtControlMessage message) => W.ControlMessageCodec.Encode(message, W.MoqtVersion.Draft19);
    }

    private static async Task<RawServer> ConnectAsync(W.MoqtVersion version, MoqtSessionOptions? options = null, int streamReceiveWindow = 64 * 1024)
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create(new InMemorySessionOptions
        {
            Protocol = W.MoqtVersions.GetAlpn(version),
            StreamReceiveWindow = streamReceiveWindow,
        });
        ITransportSendStream control = await server.OpenUnidirectionalStreamAsync().AsTask().WithTimeout();
        await control.WriteAsync(RawServer.Encode(new W.Setup { MoqtImplementation = "raw" })).AsTask().WithTimeout();
        MoqtSession session = await MoqtSession.ConnectAsync(client, options ?? new MoqtSessionOptions()).WithTimeout();
        return new RawServer { Transport = server, Client = session, Control = control };
    }

    private static byte[] SubgroupStream(ulong alias, string payload)
    {
        var header = new W.SubgroupHeader { TrackAlias = alias, GroupId = 0, SubgroupIdMode = W.SubgroupIdMode.Zero, PublisherPriority = 1 };
        var objectHeader = W.SubgroupObjectHeader.ForPayload(0, (ulong)payload.Length);
        var bytes = new byte[header.GetEncodedLength() + objectHeader.GetEncodedLength(header, null) + payload.Length];
        int n = header.Write(bytes);
        n += objectHeader.Write(bytes.AsSpan(n), header, null);
        System.Text.Encoding.ASCII.GetBytes(payload).CopyTo(bytes, n);
        return bytes;
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task DataStream_BeforeSubscribeOk_IsHeldUntilTheAliasIsKnown(W.MoqtVersion version)
    {
        RawServer server = await ConnectAsync(version);
        await using MoqtSession client = server.Client;
        Task<SubscribeResult> subscribe = client.SubscribeAsync(Video).AsTask();
        (ITransportStream request, W.MoqtControlMessage message) = await server.AcceptRequestAsync();
        Assert.IsType<W.Subscribe>(message);

        // Objects race ahead of SUBSCRIBE_OK on their own stream.
        ITransportSendStream data = await server.Transport.OpenUnidirectionalStreamAsync().AsTask().WithTimeout();
        await data.WriteAsync(SubgroupStream(9, "early"), endStream: true).AsTask().WithTimeout();
        await request.WriteAsync(RawServer.Encode(new W.SubscribeOk(9))).AsTask().WithTimeout();

        using TrackConsumer consumer = (await subscribe.WithTimeout()).GetValueOrThrow().Track;
        (List<(ulong ObjectId, string Payload)> objects, ObjectReadStatus end, _) = await consumer.ReadSubgroupAsync();
        Assert.Equal([(0UL, "early")], objects);
        Assert.Equal(ObjectReadStatus.End, end);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task DataStream_ObjectsAroundTheReceiveBufferSizes_ArriveIntact(W.MoqtVersion version)
    {
        // The session's stream buffer holds 4 KiB at first: objects just under, at and over it and far larger, in chunks
        // cut anywhere, exercise headers split across reads, payloads partly buffered, and payloads read straight into
        // their own buffers.
        RawServer server = await ConnectAsync(version);
        await using MoqtSession client = server.Client;
        (_, TrackConsumer track) = await server.AnswerSubscribeAsync(client.SubscribeAsync(Video).AsTask(), 4);
        using TrackConsumer consumer = track;

        int[] sizes = [10, 5000, 5000, 4090, 4096, 3, 20_000, 20_000, 100_000, 7, 81_920, 6000, 6000];
        var random = new Random(4);
        byte[][] payloads = [.. sizes.Select(size =>
        {
            var payload = new byte[size];
            random.NextBytes(payload);
            return payload;
        })];
        var header = new W.SubgroupHeader { TrackAlias = 4, GroupId = 0, SubgroupIdMode = W.SubgroupIdMode.Zero, PublisherPriority = 1 };
        var stream = new List<byte>(new byte[header.GetEncodedLength()]);
        header.Write(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(stream));
        for (int i = 0; i < payloads.Length; i++)
        {
            var objectHeader = W.SubgroupObjectHeader.ForPayload((ulong)i, (ulong)payloads[i].Length);
            var encoded = new byte[objectHeader.GetEncodedLength(header, i == 0 ? null : (ulong)(i - 1))];
            objectHeader.Write(encoded, header, i == 0 ? null : (ulong)(i - 1));
            stream.AddRange(encoded);
            stream.AddRange(payloads[i]);
        }

        ITransportSendStream data = await server.Transport.OpenUnidirectionalStreamAsync().AsTask().WithTimeout();
        byte[] bytes = [.. stream];
        Task writing = Task.Run(async () =>
        {
            for (int offset = 0; offset < bytes.Length;)
            {
                int chunk = Math.Min(bytes.Length - offset, random.Next(1, 9000));
                await data.WriteAsync(bytes.AsMemory(offset, chunk), endStream: offset + chunk == bytes.Length);
                offset += chunk;
            }
        });

        TrackReadResult next = await consumer.NextGroupAsync().AsTask().WithTimeout();
        SubgroupConsumer? subgroup = await next.Group!.NextSubgroupAsync().AsTask().WithTimeout();
        Assert.NotNull(subgroup);
        for (int i = 0; i < payloads.Length; i++)
        {
            ObjectReadResult read = await subgroup.ReadObjectAsync().AsTask().WithTimeout();
            Assert.Equal(ObjectReadStatus.Object, read.Status);
            Assert.Equal((ulong)i, read.Object!.ObjectId);
            Assert.True(payloads[i].AsSpan().SequenceEqual(read.Object.Payload.Span), $"object {i} ({sizes[i]} B) differs");
            read.Object.Release();
        }

        Assert.Equal(ObjectReadStatus.End, (await subgroup.ReadObjectAsync().AsTask().WithTimeout()).Status);
        await writing.WithTimeout();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task SubscribeOk_DuplicateTrackAlias_ClosesWithDuplicateTrackAlias(W.MoqtVersion version)
    {
        RawServer server = await ConnectAsync(version);
        await using MoqtSession client = server.Client;

        using TrackConsumer consumer = (await server.AnswerSubscribeAsync(client.SubscribeAsync(Video).AsTask(), 5)).Track;

        Task<SubscribeResult> second = client.SubscribeAsync(FullTrackName.Create(TrackNamespace.Of("live"), "audio")).AsTask();
        (ITransportStream request2, _) = await server.AcceptRequestAsync();
        await request2.WriteAsync(RawServer.Encode(new W.SubscribeOk(5))).AsTask().WithTimeout();

        await server.AssertClientClosedWithAsync(second, W.MoqtErrorCode.DuplicateTrackAlias);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Response_UnexpectedMessage_ClosesWithProtocolViolation(W.MoqtVersion version)
    {
        RawServer server = await ConnectAsync(version);
        await using MoqtSession client = server.Client;
        Task<FetchResult> fetch = client.FetchAsync(FetchRequest.Standalone(Video, new Location(0, 0), new Location(1, 0))).AsTask();
        (ITransportStream request, W.MoqtControlMessage message) = await server.AcceptRequestAsync();
        var fetchMessage = Assert.IsType<W.Fetch>(message);
        Assert.Equal(FetchType.Standalone, fetchMessage.FetchType);
        Assert.Equal(new Location(1, 1), fetchMessage.EndLocation);

        // SUBSCRIBE_OK is not an answer to FETCH.
        await request.WriteAsync(RawServer.Encode(new W.SubscribeOk(1))).AsTask().WithTimeout();
        await server.AssertClientClosedWithAsync(fetch, W.MoqtErrorCode.ProtocolViolation);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task PublishDone_AfterStreams_EndsTheTrack(W.MoqtVersion version)
    {
        RawServer server = await ConnectAsync(version);
        await using MoqtSession client = server.Client;
        (ITransportStream request, TrackConsumer track) = await server.AnswerSubscribeAsync(client.SubscribeAsync(Video).AsTask(), 3);
        using TrackConsumer consumer = track;

        ITransportSendStream data = await server.Transport.OpenUnidirectionalStreamAsync().AsTask().WithTimeout();
        await data.WriteAsync(SubgroupStream(3, "only"), endStream: true).AsTask().WithTimeout();
        await request.WriteAsync(RawServer.Encode(new W.PublishDone(PublishDoneStatusCode.SubscriptionEnded, 1, "end")), endStream: true).AsTask().WithTimeout();

        (List<(ulong ObjectId, string Payload)> objects, _, _) = await consumer.ReadSubgroupAsync();
        Assert.Equal([(0UL, "only")], objects);
        TrackReadResult end = await consumer.NextGroupAsync().AsTask().WithTimeout();
        Assert.True(end.IsEnd);
        Assert.Equal(PublishDoneStatusCode.SubscriptionEnded, end.End!.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ControlStream_ClosedByPeer_ClosesWithProtocolViolation(W.MoqtVersion version)
    {
        RawServer server = await ConnectAsync(version);
        await using MoqtSession client = server.Client;
        await server.Control.CompleteWritesAsync().AsTask().WithTimeout();
        Assert.Equal((ulong)W.MoqtErrorCode.ProtocolViolation, (await server.Transport.Closed.WithTimeout()).ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Subscribe_CallerCancels_RequestStreamIsCancelled(W.MoqtVersion version)
    {
        RawServer server = await ConnectAsync(version);
        await using MoqtSession client = server.Client;
        using var cts = new CancellationTokenSource();
        Task<SubscribeResult> subscribe = client.SubscribeAsync(Video, cancellationToken: cts.Token).AsTask();
        (ITransportStream request, _) = await server.AcceptRequestAsync();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => subscribe.WithTimeout());
        TransportStreamAbortedException e = await Assert.ThrowsAsync<TransportStreamAbortedException>(async () =>
        {
            while (await request.ReadAsync(new byte[16]).AsTask().WithTimeout() != 0)
            {
            }
        });
        Assert.Equal((ulong)StreamResetCode.Cancelled, e.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task SubscriberStopsReading_WriteStuckOnFlowControl_StaleGroupStreamIsResetTooFarBehind(W.MoqtVersion version)
    {
        const int MaxLag = 2;
        var publisher = new TestPublisher { MaxLagGroups = MaxLag };
        TrackProducer track = publisher.AddTrack(Video);
        RawServer server = await ConnectAsync(version, new MoqtSessionOptions { Publisher = publisher }, streamReceiveWindow: 1024);
        await using MoqtSession client = server.Client;

        // The raw peer subscribes (server Request IDs are odd) and then never reads its data streams.
        ITransportStream request = await server.SubscribeAsync();
        Assert.IsType<W.SubscribeOk>(await RawServer.ReadMessageAsync(request));

        // Group 0's one object is ten times the stream window: the write of it blocks on flow control after the first KiB.
        track.CreateGroup(0).CreateSubgroup(0).Write(0, MoqtPayload.Wrap(new byte[10_000]));
        // The client's first unidirectional stream is its control stream (SETUP); the next one carries group 0.
        await server.Transport.AcceptUnidirectionalStreamAsync().AsTask().WithTimeout();
        ITransportReceiveStream stream0 = await server.Transport.AcceptUnidirectionalStreamAsync().AsTask().WithTimeout();

        // Newer groups make group 0 stale for this subscriber; only its reset can unblock the write.
        for (ulong g = 1; g <= MaxLag + 1; g++)
            track.CreateGroup(g).CreateSubgroup(0).Write(0, MoqtPayload.Wrap(new byte[10]));

        // Without reading a byte (reading would grant credit and let the writer notice on its next read), the reset arrives.
        TransportStreamAbortedException reset = await Assert.ThrowsAsync<TransportStreamAbortedException>(() => stream0.ReadsClosed.WithTimeout());
        Assert.Equal((ulong)StreamResetCode.TooFarBehind, reset.ErrorCode);
    }

    public static TheoryData<W.MoqtVersion, string> TimeoutSources()
    {
        var data = new TheoryData<W.MoqtVersion, string>();
        foreach (W.MoqtVersion version in W.MoqtVersions.Supported)
        {
            foreach (string source in new[] { "none", "subscribe", "request-update" })
                data.Add(version, source);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TimeoutSources))]
    public async Task DeliveryTimeout_ObjectExpiresWhileTheStreamIsBlocked_StreamResetWithDeliveryTimeout(W.MoqtVersion version, string source)
    {
        var time = new FakeTimeProvider();
        var publisher = new TestPublisher { TimeProvider = time };
        TrackProducer track = publisher.AddTrack(Video);
        RawServer server = await ConnectAsync(version, new MoqtSessionOptions { Publisher = publisher, TimeProvider = time }, streamReceiveWindow: 1024);
        await using MoqtSession client = server.Client;

        // The raw peer subscribes, with OBJECT_DELIVERY_TIMEOUT 1 s or without one.
        ITransportStream request = await server.SubscribeAsync(new W.MessageParameters { ObjectDeliveryTimeout = source == "subscribe" ? 1000 : null });
        Assert.IsType<W.SubscribeOk>(await RawServer.ReadMessageAsync(request));

        // Object 0 is ten times the stream window, so its write waits for credit; object 1 waits behind it.
        SubgroupProducer subgroup = track.CreateGroup(0).CreateSubgroup(0);
        subgroup.Write(0, MoqtPayload.Wrap(new byte[10_000]));
        subgroup.Write(1, MoqtPayload.Wrap("late"u8.ToArray()));
        subgroup.Complete();
        await server.Transport.AcceptUnidirectionalStreamAsync().AsTask().WithTimeout(); // the client's control stream
        ITransportReceiveStream stream0 = await server.Transport.AcceptUnidirectionalStreamAsync().AsTask().WithTimeout();

        if (source == "request-update")
        {
            // §"REQUEST_UPDATE": the new timeout applies to objects not yet sent.
            await request.WriteAsync(RawServer.Encode(new W.RequestUpdate(3) { Parameters = new W.MessageParameters { ObjectDeliveryTimeout = 1000 } }))
                .AsTask().WithTimeout();
            Assert.IsType<W.RequestOk>(await RawServer.ReadMessageAsync(request));
        }

        // Object 1 is 2 s old by the time the writer gets to it.
        time.Advance(TimeSpan.FromSeconds(2));
        var buffer = new byte[4096];
        long total = 0;
        Task<long> readAll = Task.Run(async () =>
        {
            int n;
            while ((n = await stream0.ReadAsync(buffer)) > 0)
                total += n;
            return total;
        });
        if (source == "none")
        {
            Assert.True(await readAll.WithTimeout() > 10_000 + 4, "both objects arrive without a timeout");
            return;
        }

        TransportStreamAbortedException reset = await Assert.ThrowsAsync<TransportStreamAbortedException>(() => readAll.WithTimeout());
        Assert.Equal((ulong)StreamResetCode.DeliveryTimeout, reset.ErrorCode);
    }

    /// <summary>A publisher whose SUBSCRIBE answers wait for <see cref="Gate"/>, as a relay's do while it subscribes upstream.</summary>
    private sealed class GatedPublisher(TestPublisher inner) : IPublisher
    {
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SubscribeResult? FailWith { get; set; }

        public int Subscribes;

        public async ValueTask<SubscribeResult> SubscribeAsync(FullTrackName track, SubscribeOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Subscribes);
            await Gate.Task.WaitAsync(cancellationToken);
            return FailWith ?? await inner.SubscribeAsync(track, options, cancellationToken);
        }

        public ValueTask<FetchResult> FetchAsync(FetchRequest request, CancellationToken cancellationToken = default) => inner.FetchAsync(request, cancellationToken);

        public ValueTask<TrackStatusResult> TrackStatusAsync(FullTrackName track, CancellationToken cancellationToken = default) =>
            inner.TrackStatusAsync(track, cancellationToken);

        public ValueTask<SubscribeNamespaceResult> SubscribeNamespaceAsync(TrackNamespace prefix, CancellationToken cancellationToken = default) =>
            inner.SubscribeNamespaceAsync(prefix, cancellationToken);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task JoiningFetch_WhileItsSubscribeIsPending_IsHeldAndAnsweredOnceTheSubscriptionIsEstablished(W.MoqtVersion version)
    {
        var inner = new TestPublisher();
        TrackProducer track = inner.AddTrack(Video);
        SubgroupProducer subgroup = track.CreateGroup(4).CreateSubgroup(0);
        for (ulong o = 0; o < 3; o++)
            subgroup.Write(o, MoqtPayload.Wrap([(byte)o]));
        var publisher = new GatedPublisher(inner);
        RawServer server = await ConnectAsync(version, new MoqtSessionOptions { Publisher = publisher });
        await using MoqtSession client = server.Client;

        // SUBSCRIBE (Request ID 1) is pending at the publisher when the joining FETCH (3) naming it arrives.
        ITransportStream subscribe = await server.SubscribeAsync();
        await Poll.UntilAsync(() => Volatile.Read(ref publisher.Subscribes) == 1);
        ITransportStream fetch = await server.Transport.OpenBidirectionalStreamAsync().AsTask().WithTimeout();
        await fetch.WriteAsync(RawServer.Encode(W.Fetch.RelativeJoining(3, 1, 0))).AsTask().WithTimeout();
        Task<W.MoqtControlMessage> fetchAnswer = RawServer.ReadMessageAsync(fetch);

        publisher.Gate.SetResult();
        Assert.IsType<W.SubscribeOk>(await RawServer.ReadMessageAsync(subscribe));
        W.FetchOk ok = Assert.IsType<W.FetchOk>(await fetchAnswer);
        Assert.Equal(new Location(4, 3), ok.EndLocation); // up to the Joining Location {4, 2}, + 1 on the wire
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task JoiningFetch_WhileItsSubscribeIsPending_FailsWithInvalidJoiningRequestIdWhenTheSubscribeFails(W.MoqtVersion version)
    {
        var inner = new TestPublisher();
        inner.AddTrack(Video);
        var publisher = new GatedPublisher(inner) { FailWith = SubscribeResult.Error(RequestErrorCode.Unauthorized, "no") };
        RawServer server = await ConnectAsync(version, new MoqtSessionOptions { Publisher = publisher });
        await using MoqtSession client = server.Client;

        ITransportStream subscribe = await server.SubscribeAsync();
        await Poll.UntilAsync(() => Volatile.Read(ref publisher.Subscribes) == 1);
        ITransportStream fetch = await server.Transport.OpenBidirectionalStreamAsync().AsTask().WithTimeout();
        await fetch.WriteAsync(RawServer.Encode(W.Fetch.RelativeJoining(3, 1, 0))).AsTask().WithTimeout();
        Task<W.MoqtControlMessage> fetchAnswer = RawServer.ReadMessageAsync(fetch);

        publisher.Gate.SetResult();
        Assert.Equal(RequestErrorCode.Unauthorized, Assert.IsType<W.RequestError>(await RawServer.ReadMessageAsync(subscribe)).ErrorCode);
        Assert.Equal(RequestErrorCode.InvalidJoiningRequestId, Assert.IsType<W.RequestError>(await fetchAnswer).ErrorCode);
    }

    /// <summary>A fake clock that records the due times of the timers created on it.</summary>
    private sealed class TimerRecordingTimeProvider : FakeTimeProvider
    {
        private readonly List<TimeSpan> _dueTimes = [];

        public bool HasTimer(TimeSpan dueTime)
        {
            lock (_dueTimes)
                return _dueTimes.Contains(dueTime);
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (_dueTimes)
                _dueTimes.Add(dueTime);
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }

    private static readonly TimeSpan JoiningRequestTimeout = TimeSpan.FromSeconds(7);

    /// <summary>A client session with a fake clock and <see cref="JoiningRequestTimeout"/>, whose raw peer sends a joining FETCH (Request ID 3) for Request ID 1 first.</summary>
    private static async Task<(RawServer Server, ITransportStream Fetch, TimerRecordingTimeProvider Time)> JoiningFetchFirstAsync(W.MoqtVersion version, IPublisher publisher)
    {
        var time = new TimerRecordingTimeProvider();
        RawServer server = await ConnectAsync(version,
            new MoqtSessionOptions { Publisher = publisher, TimeProvider = time, UnknownJoiningRequestTimeout = JoiningRequestTimeout });
        ITransportStream fetch = await server.Transport.OpenBidirectionalStreamAsync().AsTask().WithTimeout();
        await fetch.WriteAsync(RawServer.Encode(W.Fetch.RelativeJoining(3, 1, 0))).AsTask().WithTimeout();

        // The session holds the FETCH for its SUBSCRIBE: that wait is the only timer of this length.
        await Poll.UntilAsync(() => time.HasTimer(JoiningRequestTimeout));
        return (server, fetch, time);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task JoiningFetch_BeforeItsSubscribeArrives_IsHeldAndAnsweredOnceTheSubscriptionIsEstablished(W.MoqtVersion version)
    {
        var inner = new TestPublisher();
        SubgroupProducer subgroup = inner.AddTrack(Video).CreateGroup(4).CreateSubgroup(0);
        for (ulong o = 0; o < 3; o++)
            subgroup.Write(o, MoqtPayload.Wrap([(byte)o]));
        var publisher = new GatedPublisher(inner);
        (RawServer server, ITransportStream fetch, _) = await JoiningFetchFirstAsync(version, publisher);
        await using MoqtSession client = server.Client;
        Task<W.MoqtControlMessage> fetchAnswer = RawServer.ReadMessageAsync(fetch);

        // draft-19 §"Joining Fetches": the SUBSCRIBE it names arrives on its own stream after it, and is answered slowly.
        ITransportStream subscribe = await server.SubscribeAsync();
        await Poll.UntilAsync(() => Volatile.Read(ref publisher.Subscribes) == 1);
        Assert.False(fetchAnswer.IsCompleted);

        publisher.Gate.SetResult();
        Assert.IsType<W.SubscribeOk>(await RawServer.ReadMessageAsync(subscribe));
        W.FetchOk ok = Assert.IsType<W.FetchOk>(await fetchAnswer);
        Assert.Equal(new Location(4, 3), ok.EndLocation); // up to the Joining Location {4, 2}, + 1 on the wire
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task JoiningFetch_ItsRequestIdNeverArrives_FailsWithInvalidJoiningRequestIdAfterTheTimeout(W.MoqtVersion version)
    {
        var inner = new TestPublisher();
        inner.AddTrack(Video);
        (RawServer server, ITransportStream fetch, TimerRecordingTimeProvider time) = await JoiningFetchFirstAsync(version, inner);
        await using MoqtSession client = server.Client;
        Task<W.MoqtControlMessage> fetchAnswer = RawServer.ReadMessageAsync(fetch);

        time.Advance(JoiningRequestTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(fetchAnswer.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(RequestErrorCode.InvalidJoiningRequestId, Assert.IsType<W.RequestError>(await fetchAnswer).ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task JoiningFetch_ItsRequestIdArrivesAsAnotherRequest_FailsWithInvalidJoiningRequestId(W.MoqtVersion version)
    {
        var inner = new TestPublisher();
        inner.AddTrack(Video);
        (RawServer server, ITransportStream fetch, _) = await JoiningFetchFirstAsync(version, inner);
        await using MoqtSession client = server.Client;
        Task<W.MoqtControlMessage> fetchAnswer = RawServer.ReadMessageAsync(fetch);

        // Request ID 1 turns out to be a TRACK_STATUS: no subscription to join, and no need to wait for the timeout.
        ITransportStream status = await server.Transport.OpenBidirectionalStreamAsync().AsTask().WithTimeout();
        await status.WriteAsync(RawServer.Encode(new W.TrackStatus(1, W.TrackNamespace.FromStrings("live"), "video"u8.ToArray()))).AsTask().WithTimeout();
        Assert.Equal(RequestErrorCode.InvalidJoiningRequestId, Assert.IsType<W.RequestError>(await fetchAnswer).ErrorCode);
    }
}
