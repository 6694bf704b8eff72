using System.Buffers;
using MoqLive.Http3.QPack;

namespace MoqLive.Http3.Tests.QPack;

public sealed class QPackInstructionStreamTests
{
    [Fact]
    public void EncoderStream_SetCapacityZero_IsConsumed()
    {
        var input = new ReadOnlySequence<byte>([0x20, 0x20]);

        QPackEncoderStreamReader.Process(ref input);

        Assert.True(input.IsEmpty);
    }

    [Theory]
    [InlineData("21")] // Set Dynamic Table Capacity 1
    [InlineData("3fe11f")] // Set Dynamic Table Capacity 4096
    [InlineData("c003616263")] // Insert with static name reference
    [InlineData("4361626303646566")] // Insert with literal name
    [InlineData("00")] // Duplicate
    public void EncoderStream_InsertsOrNonZeroCapacity_ThrowEncoderStreamError(string hex)
    {
        var input = new ReadOnlySequence<byte>(Convert.FromHexString(hex));

        var ex = Assert.Throws<Http3ConnectionErrorException>(() => QPackEncoderStreamReader.Process(ref input));

        Assert.Equal(Http3ErrorCode.QPackEncoderStreamError, ex.ErrorCode);
    }

    [Fact]
    public void EncoderStream_TruncatedCapacity_WaitsForMore()
    {
        var input = new ReadOnlySequence<byte>([0x3F]);

        QPackEncoderStreamReader.Process(ref input);

        Assert.Equal(1, input.Length);
    }

    [Fact]
    public void DecoderStream_StreamCancellation_IsConsumed()
    {
        var input = new ReadOnlySequence<byte>([0x44, 0x7F, 0x01]);

        QPackDecoderStreamReader.Process(ref input);

        Assert.True(input.IsEmpty);
    }

    [Theory]
    [InlineData(0x84)] // Section Acknowledgment
    [InlineData(0x01)] // Insert Count Increment
    public void DecoderStream_AckOrIncrement_ThrowsDecoderStreamError(byte instruction)
    {
        var input = new ReadOnlySequence<byte>([instruction]);

        var ex = Assert.Throws<Http3ConnectionErrorException>(() => QPackDecoderStreamReader.Process(ref input));

        Assert.Equal(Http3ErrorCode.QPackDecoderStreamError, ex.ErrorCode);
    }
}
