using MoqLive.Http3.QPack;

namespace MoqLive.Http3.Tests.QPack;

public sealed class QPackStaticTableTests
{
    [Theory]
    [InlineData(0, ":authority", "")]
    [InlineData(17, ":method", "GET")]
    [InlineData(25, ":status", "200")]
    [InlineData(85, "content-security-policy", "script-src 'none'; object-src 'none'; base-uri 'none'")]
    [InlineData(98, "x-frame-options", "sameorigin")]
    public void TryGet_Rfc9204AppendixA_Entries(int index, string name, string value)
    {
        Assert.True(QPackStaticTable.TryGet((ulong)index, out HeaderField field));
        Assert.Equal(new HeaderField(name, value), field);
    }

    [Fact]
    public void Count_Is99AndIndex99Missing()
    {
        Assert.Equal(99, QPackStaticTable.Count);
        Assert.False(QPackStaticTable.TryGet(99, out _));
    }

    [Fact]
    public void IndexOfName_ReturnsFirstEntry()
    {
        Assert.Equal(15, QPackStaticTable.IndexOfName(":method"));
        Assert.Equal(24, QPackStaticTable.IndexOfName(":status"));
        Assert.Equal(-1, QPackStaticTable.IndexOfName("x-unknown"));
    }
}
