using MoqLive.Media.Loc;
using MoqLive.Moqt.Model;

namespace MoqLive.Media.Tests.Loc;

public sealed class LocPropertiesTests
{
    [Fact]
    public void Create_WithVideoConfig_TimestampVarintAndConfigBytes()
    {
        MoqtProperties properties = LocProperties.Create(1_795_000_000_123_456, [1, 0x64, 0, 0x1F]);

        Assert.Equal(2, properties.Count);
        Assert.True(properties.TryGet(0x10, out MoqtProperty timestamp));
        Assert.False(timestamp.IsBytes);
        Assert.Equal(1_795_000_000_123_456UL, timestamp.IntValue);
        Assert.True(properties.TryGet(0x0D, out MoqtProperty config));
        Assert.True(config.IsBytes);
        Assert.Equal(new byte[] { 1, 0x64, 0, 0x1F }, config.BytesValue.ToArray());
    }

    [Fact]
    public void TryGet_RoundTrip()
    {
        MoqtProperties properties = LocProperties.Create(42);

        Assert.True(LocProperties.TryGetTimestamp(properties, out long timestamp));
        Assert.Equal(42, timestamp);
        Assert.False(LocProperties.TryGetVideoConfig(properties, out _));
        Assert.False(LocProperties.TryGetTimestamp(MoqtProperties.Empty, out _));
    }

    [Fact]
    public void Create_NegativeTimestamp_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LocProperties.Create(-1));
    }
}
