using MoqLive.Testbed.Pipelines;

namespace MoqLive.Testbed.Tests.Pipelines;

public sealed class FrameStampTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(1_795_000_123_456L)]
    [InlineData(uint.MaxValue)]
    public void Draw_ThenTryRead_ReturnsLow32BitsOfTheTime(long unixMilliseconds)
    {
        byte[] frame = new byte[FrameStamp.FrameBytes];
        FrameStamp.Draw(frame, unixMilliseconds, frameIndex: 7);
        Assert.True(FrameStamp.TryRead(frame, out uint stamp));
        Assert.Equal(unchecked((uint)unixMilliseconds), stamp);
    }

    [Fact]
    public void TryRead_SmearedBlock_ReturnsFalse()
    {
        byte[] frame = new byte[FrameStamp.FrameBytes];
        FrameStamp.Draw(frame, 12345, 0);
        // Make one bit's block and its inverse the same grey, as a badly compressed frame would.
        int x = (5 * FrameStamp.BlockWidth) + (FrameStamp.BlockWidth / 2);
        frame[(FrameStamp.BlockHeight / 2 * FrameStamp.Width) + x] = 200;
        frame[((FrameStamp.BlockHeight + (FrameStamp.BlockHeight / 2)) * FrameStamp.Width) + x] = 200;
        Assert.False(FrameStamp.TryRead(frame, out _));
    }

    [Fact]
    public void LatencyMilliseconds_AcrossThe32BitWrap_IsTheShortDistance()
    {
        long now = (1L << 32) + 40;
        Assert.Equal(100, FrameStamp.LatencyMilliseconds(unchecked((uint)(now - 100)), now));
    }
}
