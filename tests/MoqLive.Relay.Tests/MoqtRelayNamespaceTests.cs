using MoqLive.Moqt.Model;
using static MoqLive.Relay.Tests.RelayTestHelpers;

namespace MoqLive.Relay.Tests;

public sealed class MoqtRelayNamespaceTests
{
    [Fact]
    public async Task PublishNamespace_FansOutToMatchingPrefixesOnly()
    {
        await using var relay = new MoqtRelay();
        using var live = (await relay.SubscribeNamespaceAsync(TrackNamespace.Of("live"))).GetValueOrThrow();
        using var other = (await relay.SubscribeNamespaceAsync(TrackNamespace.Of("other"))).GetValueOrThrow();
        using var all = (await relay.SubscribeNamespaceAsync(TrackNamespace.Empty)).GetValueOrThrow();

        var registration = (await relay.PublishNamespaceAsync(Ns, new TestPublisher())).GetValueOrThrow();

        Assert.Equal(new NamespaceEvent(Ns, true), await live.NextAsync().AsTask().WaitAsync(TestTimeout));
        Assert.Equal(new NamespaceEvent(Ns, true), await all.NextAsync().AsTask().WaitAsync(TestTimeout));
        var otherNext = other.NextAsync().AsTask();
        Assert.False(otherNext.IsCompleted);

        await registration.DisposeAsync();
        Assert.Equal(new NamespaceEvent(Ns, false), await live.NextAsync().AsTask().WaitAsync(TestTimeout));
        Assert.False(otherNext.IsCompleted);
    }

    [Fact]
    public async Task SubscribeNamespace_AfterPublish_SeesExistingNamespaces()
    {
        await using var relay = new MoqtRelay();
        await relay.PublishNamespaceAsync(TrackNamespace.Of("live", "a"), new TestPublisher());
        await relay.PublishNamespaceAsync(TrackNamespace.Of("live", "b"), new TestPublisher());
        await relay.PublishNamespaceAsync(TrackNamespace.Of("vod", "c"), new TestPublisher());

        using var live = (await relay.SubscribeNamespaceAsync(TrackNamespace.Of("live"))).GetValueOrThrow();
        var first = await live.NextAsync().AsTask().WaitAsync(TestTimeout);
        var second = await live.NextAsync().AsTask().WaitAsync(TestTimeout);
        Assert.Equal(
            [TrackNamespace.Of("live", "a"), TrackNamespace.Of("live", "b")],
            new[] { first!.Value.Namespace, second!.Value.Namespace });
    }

    [Fact]
    public async Task TwoPublishersSameNamespace_WithdrawnOnlyWhenBothLeave()
    {
        await using var relay = new MoqtRelay();
        using var watcher = (await relay.SubscribeNamespaceAsync(TrackNamespace.Empty)).GetValueOrThrow();
        var a = (await relay.PublishNamespaceAsync(Ns, new TestPublisher())).GetValueOrThrow();
        var b = (await relay.PublishNamespaceAsync(Ns, new TestPublisher())).GetValueOrThrow();
        Assert.True((await watcher.NextAsync().AsTask().WaitAsync(TestTimeout))!.Value.Active);

        await a.DisposeAsync();
        var pending = watcher.NextAsync().AsTask();
        Assert.False(pending.IsCompleted);
        await b.DisposeAsync();
        Assert.False((await pending.WaitAsync(TestTimeout))!.Value.Active);
    }

    [Fact]
    public async Task NamespaceSubscriberCancels_IsForgotten()
    {
        await using var relay = new MoqtRelay();
        var watcher = (await relay.SubscribeNamespaceAsync(TrackNamespace.Empty)).GetValueOrThrow();
        watcher.Dispose();
        Assert.Null(await watcher.NextAsync().AsTask().WaitAsync(TestTimeout));
        await relay.PublishNamespaceAsync(Ns, new TestPublisher());
    }
}
