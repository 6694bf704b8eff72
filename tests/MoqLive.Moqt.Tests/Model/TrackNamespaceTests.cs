using MoqLive.Moqt.Model;

namespace MoqLive.Moqt.Tests.Model;

public sealed class TrackNamespaceTests
{
    [Fact]
    public void ToString_SpecExample_UsesSafeRendering()
    {
        // draft-ietf-moq-transport-19 §"Representing Namespace and Track Names".
        var name = FullTrackName.Create(TrackNamespace.Of("example.net", "team2", "project_x"), "report");
        Assert.Equal("example.2enet-team2-project_x--report", name.ToString());
    }

    [Fact]
    public void IsPrefixOf_MatchesWholeFieldsOnly()
    {
        var foo = TrackNamespace.Of("foo");
        var fooBar = TrackNamespace.Of("foo", "bar");
        var foobar = TrackNamespace.Of("foobar");
        Assert.True(foo.IsPrefixOf(fooBar));
        Assert.True(fooBar.IsPrefixOf(fooBar));
        Assert.True(TrackNamespace.Empty.IsPrefixOf(foo));
        Assert.False(foo.IsPrefixOf(foobar));
        Assert.False(fooBar.IsPrefixOf(foo));
    }

    [Fact]
    public void Equality_ByBytes()
    {
        Assert.Equal(TrackNamespace.Of("a", "b"), TrackNamespace.Create([new byte[] { (byte)'a' }, new byte[] { (byte)'b' }]));
        Assert.NotEqual(TrackNamespace.Of("ab"), TrackNamespace.Of("a", "b"));
        Assert.Equal(FullTrackName.Create(TrackNamespace.Of("a"), "x"), FullTrackName.Create(TrackNamespace.Of("a"), "x"u8));
        Assert.Equal(FullTrackName.Create(TrackNamespace.Of("a"), "x").GetHashCode(), FullTrackName.Create(TrackNamespace.Of("a"), "x"u8).GetHashCode());
    }

    [Fact]
    public void RemovePrefixAndAppend_RoundTrip()
    {
        var full = TrackNamespace.Of("live", "alice", "cam");
        var suffix = full.RemovePrefix(TrackNamespace.Of("live"));
        Assert.Equal(TrackNamespace.Of("alice", "cam"), suffix);
        Assert.Equal(full, TrackNamespace.Of("live").Append(suffix));
    }

    [Fact]
    public void Create_InvalidFields_Throws()
    {
        Assert.Throws<ArgumentException>(() => TrackNamespace.Of(""));
        Assert.Throws<ArgumentException>(() => TrackNamespace.Of(Enumerable.Repeat("x", 33).ToArray()));
        Assert.Throws<ArgumentException>(() => TrackNamespace.Of(new string('x', 4097)));
    }

    [Fact]
    public void Location_OrdersByGroupThenObject()
    {
        Assert.True(new Location(1, 9) < new Location(2, 0));
        Assert.True(new Location(2, 0) < new Location(2, 1));
        Assert.Equal(new Location(3, 4), new Location(3, 4));
    }
}
