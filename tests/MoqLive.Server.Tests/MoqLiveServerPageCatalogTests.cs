using System.Text;
using MoqLive.Moqt.Model;
using MoqLive.Relay;

namespace MoqLive.Server.Tests;

public sealed class MoqLiveServerPageCatalogTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly FullTrackName Catalog = FullTrackName.Create(TrackNamespace.Of("live", "alice"), "catalog");

    [Fact]
    public async Task ChannelCatalog_CatalogInTheRelaysCache_ReturnsTheNewestCatalog()
    {
        await using var relay = new MoqtRelay();
        using var producer = await PublishAsync(relay);
        WriteCatalog(producer, 1_764_000_000_000, """{"version":1,"tracks":[]}""");
        WriteCatalog(producer, 1_764_000_000_001, """{"version":1,"generatedAt":2,"tracks":[]}""");
        await WaitForCachedAsync(relay, 2);

        string? catalog = await MoqLiveServer.ChannelCatalogAsync(relay, "alice", CancellationToken.None).AsTask().WaitAsync(Timeout);

        Assert.Equal("""{"version":1,"generatedAt":2,"tracks":[]}""", catalog);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("bob")]
    [InlineData("alice/../x")]
    public async Task ChannelCatalog_NoCachedCatalogOrNotAChannelName_ReturnsNull(string? channel)
    {
        await using var relay = new MoqtRelay();
        using var producer = await PublishAsync(relay);
        WriteCatalog(producer, 1, """{"version":1,"tracks":[]}""");
        await WaitForCachedAsync(relay, 1);

        Assert.Null(await MoqLiveServer.ChannelCatalogAsync(relay, channel, CancellationToken.None).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task ChannelCatalog_NotUtf8_ReturnsNull()
    {
        await using var relay = new MoqtRelay();
        using var producer = await PublishAsync(relay);
        Write(producer, 1, [0x7b, 0xff, 0x7d]);
        await WaitForCachedAsync(relay, 1);

        Assert.Null(await MoqLiveServer.ChannelCatalogAsync(relay, "alice", CancellationToken.None).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public void WithConnectionInfo_Catalog_PutsItHtmlEncodedInTheHead()
    {
        string page = MoqLiveServer.WithConnectionInfo("<head></head>", "00", "/moq", """{"t":"</script><b>&"}""");

        Assert.Equal(
            "<meta name=\"moqlive-certificate-sha256\" content=\"00\" /><meta name=\"moqlive-moqt-path\" content=\"/moq\" />" +
            "<meta name=\"moqlive-catalog\" content=\"{&quot;t&quot;:&quot;&lt;/script&gt;&lt;b&gt;&amp;&quot;}\" /></head>",
            page[page.IndexOf("<meta", StringComparison.Ordinal)..]);
    }

    /// <summary>The channel's catalog track PUBLISHed into the relay (so the relay carries it, as for a watched channel).</summary>
    private static async Task<TrackProducer> PublishAsync(MoqtRelay relay)
    {
        var producer = new TrackProducer(new TrackInfo(Catalog));
        PublishResult result = await relay.PublishAsync(producer.Subscribe(new TrackConsumerOptions { Start = TrackStart.At(Location.Zero) }))
            .AsTask().WaitAsync(Timeout);
        Assert.True(result.IsOk, result.ToString());
        return producer;
    }

    private static void WriteCatalog(TrackProducer producer, ulong group, string json) => Write(producer, group, Encoding.UTF8.GetBytes(json));

    private static void Write(TrackProducer producer, ulong group, byte[] payload)
    {
        GroupProducer g = producer.CreateGroup(group);
        SubgroupProducer s = g.CreateSubgroup(0);
        s.Write(0, MoqtPayload.Wrap(payload));
        s.Complete();
        g.Complete();
    }

    private static async Task WaitForCachedAsync(MoqtRelay relay, long objects)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (relay.Metrics.ObjectsIn < objects)
            await Task.Delay(10, timeout.Token);
    }
}
