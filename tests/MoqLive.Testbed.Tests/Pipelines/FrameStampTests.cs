using MoqLive.Testbed.Pipelines;

namespace MoqLive.Testbed.Tests.Pipelines;

public sealed class FrameStampTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(1_795_000_123_456L)]
    [InlineData(uint.MaxValue)]
    public void Draw_ThenTryRead_ReturnsLow32BitsOfTheTimeAndTheFrameNumber(long unixMilliseconds)
    {
        byte[] frame = new byte[FrameStamp.FrameBytes];
        FrameStamp.Draw(frame, unixMilliseconds, frameIndex: 70_000);
        Assert.True(FrameStamp.TryRead(frame, out uint stamp, out uint frameIndex));
        Assert.Equal(unchecked((uint)unixMilliseconds), stamp);
        Assert.Equal(70_000u, frameIndex);
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
        Assert.False(FrameStamp.TryRead(frame, out _, out _));
    }

    [Fact]
    public void TryRead_SmearedFrameNumber_ReturnsFalse()
    {
        byte[] frame = new byte[FrameStamp.FrameBytes];
        FrameStamp.Draw(frame, 12345, 3);
        int x = FrameStamp.BlockWidth / 2;
        frame[((FrameStamp.BandHeight + (FrameStamp.BlockHeight / 2)) * FrameStamp.Width) + x] = 16;
        frame[((FrameStamp.BandHeight + FrameStamp.BlockHeight + (FrameStamp.BlockHeight / 2)) * FrameStamp.Width) + x] = 16;
        Assert.False(FrameStamp.TryRead(frame, out _, out _));
    }

    [Fact]
    public void LatencyMilliseconds_AcrossThe32BitWrap_IsTheShortDistance()
    {
        long now = (1L << 32) + 40;
        Assert.Equal(100, FrameStamp.LatencyMilliseconds(unchecked((uint)(now - 100)), now));
    }
}
