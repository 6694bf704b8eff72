using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session;
using MoqLive.Relay;
using MoqLive.Testing;
using MoqLive.Transport.InMemory;

namespace MoqLive.Server.Tests;

public sealed class MoqtSessionHandlerTests
{
    private sealed class OneTrack(TrackProducer producer) : IPublisher
    {
        public ValueTask<SubscribeResult> SubscribeAsync(FullTrackName track, SubscribeOptions? options = null, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(track.Equals(producer.Name)
                ? SubscribeResult.Ok(producer.Subscribe())
                : SubscribeResult.Error(RequestErrorCode.DoesNotExist, "no such track"));

        public ValueTask<FetchResult> FetchAsync(FetchRequest request, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(FetchResult.Error(RequestErrorCode.NotSupported, "no"));

        public ValueTask<TrackStatusResult> TrackStatusAsync(FullTrackName track, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(TrackStatusResult.Error(RequestErrorCode.NotSupported, "no"));

        public ValueTask<SubscribeNamespaceResult> SubscribeNamespaceAsync(TrackNamespace prefix, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(SubscribeNamespaceResult.Error(RequestErrorCode.NotSupported, "no"));
    }

    [Fact]
    public async Task RunAsync_PublisherAndSubscriberSessions_ObjectsFlowThroughTheRelay()
    {
        await using var relay = new MoqtRelay();
        var handler = new MoqtSessionHandler(relay);
        using var cts = new CancellationTokenSource();
        var (pubClient, pubServer) = InMemorySessionPair.Create();
        var (subClient, subServer) = InMemorySessionPair.Create();
        Task servePublisher = handler.RunAsync(pubServer, isWebTransport: false, "publisher", cts.Token);
        Task serveSubscriber = handler.RunAsync(subServer, isWebTransport: false, "subscriber", cts.Token);

        var name = FullTrackName.Create(TrackNamespace.Of("live", "alice"), "clock");
        using var producer = new TrackProducer(new TrackInfo(name));
        var source = new OneTrack(producer);
        await using var publisher = await MoqtSession.ConnectAsync(pubClient, new MoqtSessionOptions { Publisher = source }).WithTimeout();
        PublishNamespaceResult published = await publisher.PublishNamespaceAsync(name.Namespace, source).WithTimeout();
        Assert.True(published.IsOk, published.ToString());

        await using var subscriber = await MoqtSession.ConnectAsync(subClient).WithTimeout();
        SubscribeResult subscribed = await subscriber.SubscribeAsync(name).WithTimeout();
        Assert.True(subscribed.IsOk, subscribed.ToString());
        using TrackConsumer track = subscribed.Value!.Track;
        await Poll.UntilAsync(() => handler.ActiveSessions == 2); // counted on the handler's own task
        Assert.Equal(2, handler.ActiveSessions);

        SubgroupProducer subgroup = producer.CreateGroup(0).CreateSubgroup(0);
        for (ulong i = 0; i < 3; i++)
            subgroup.Write(i, MoqtPayload.Wrap([(byte)i]));
        subgroup.Complete();

        TrackReadResult group = await track.NextGroupAsync().WithTimeout();
        SubgroupConsumer received = (await group.Group!.NextSubgroupAsync().WithTimeout())!;
        for (ulong i = 0; i < 3; i++)
        {
            ObjectReadResult read = await received.ReadObjectAsync().WithTimeout();
            Assert.Equal(ObjectReadStatus.Object, read.Status);
            Assert.Equal(i, read.Object!.ObjectId);
            Assert.Equal((byte)i, read.Object.Payload.Span[0]);
            read.Object.Release();
        }

        await cts.CancelAsync();
        await Task.WhenAll(servePublisher, serveSubscriber).WithTimeout();
        Assert.Equal(0, handler.ActiveSessions);
        Assert.Equal(2, handler.TotalSessions);
    }

    [Fact]
    public async Task RunAsync_UnknownNamespace_SubscriberGetsDoesNotExist()
    {
        await using var relay = new MoqtRelay();
        var handler = new MoqtSessionHandler(relay);
        using var cts = new CancellationTokenSource();
        var (client, server) = InMemorySessionPair.Create();
        Task serve = handler.RunAsync(server, isWebTransport: false, "subscriber", cts.Token);
        await using var subscriber = await MoqtSession.ConnectAsync(client).WithTimeout();

        SubscribeResult result = await subscriber.SubscribeAsync(FullTrackName.Create(TrackNamespace.Of("nobody"), "video")).WithTimeout();

        Assert.False(result.IsOk);
        Assert.Equal(RequestErrorCode.DoesNotExist, result.ErrorCode);
        await cts.CancelAsync();
        await serve.WithTimeout();
    }

    [Fact]
    public async Task RunAsync_PeerClosesSession_ReturnsAndCountsDown()
    {
        await using var relay = new MoqtRelay();
        var handler = new MoqtSessionHandler(relay);
        var (client, server) = InMemorySessionPair.Create();
        Task serve = handler.RunAsync(server, isWebTransport: false, "client", CancellationToken.None);
        MoqtSession session = await MoqtSession.ConnectAsync(client).WithTimeout();
        // The client's setup can finish before the server has read the client's SETUP.
        await Poll.UntilAsync(() => handler.ActiveSessions == 1);

        await session.DisposeAsync();

        await serve.WithTimeout();
        Assert.Equal(0, handler.ActiveSessions);
        Assert.Equal(1, handler.TotalSessions);
    }

    [Fact]
    public async Task ChannelDirectory_FollowsPublishAndWithdraw()
    {
        await using var relay = new MoqtRelay();
        await using var channels = new ChannelDirectory();
        await channels.StartAsync(relay).WithTimeout();
        var ns = TrackNamespace.Of("live", "bob");
        using var producer = new TrackProducer(new TrackInfo(FullTrackName.Create(ns, "video")));

        PublishNamespaceResult result = await relay.PublishNamespaceAsync(ns, new OneTrack(producer)).WithTimeout();
        await Poll.UntilAsync(() => channels.Snapshot().Count == 1);
        Assert.Equal(ns, channels.Snapshot()[0]);

        await result.Value!.DisposeAsync();
        await Poll.UntilAsync(() => channels.Snapshot().Count == 0);
    }

    [Fact]
    public async Task ChannelDirectory_ListsOnlyLiveChannelNamespaces()
    {
        await using var relay = new MoqtRelay();
        await using var channels = new ChannelDirectory();
        await channels.StartAsync(relay).WithTimeout();
        using var producer = new TrackProducer(new TrackInfo(FullTrackName.Create(TrackNamespace.Of("live", "bob"), "video")));
        // Chat participants, other shapes and other roots are not channels (docs/media-format.md).
        foreach (var other in new[] { TrackNamespace.Of("live", "bob", "chat", "0123456789abcdef"), TrackNamespace.Of("live"), TrackNamespace.Of("e2e", "x") })
            (await relay.PublishNamespaceAsync(other, new OneTrack(producer)).WithTimeout()).GetValueOrThrow();
        (await relay.PublishNamespaceAsync(TrackNamespace.Of("live", "bob"), new OneTrack(producer)).WithTimeout()).GetValueOrThrow();

        await Poll.UntilAsync(() => channels.Snapshot().Count == 1);
        Assert.Equal(TrackNamespace.Of("live", "bob"), Assert.Single(channels.Snapshot()));
        Assert.True(ChannelDirectory.IsChannel(TrackNamespace.Of("live", "x")));
        Assert.False(ChannelDirectory.IsChannel(TrackNamespace.Of("live", "x", "chat", "p")));
    }

}
