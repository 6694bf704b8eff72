using System.Buffers;
using MoqLive.Moqt.Wire;

namespace MoqLive.Moqt.Tests.Wire;

public sealed class Vi64Tests
{
    public static TheoryData<ulong, int> Boundaries()
    {
        var data = new TheoryData<ulong, int> { { 0, 1 }, { 127, 1 }, { ulong.MaxValue, 9 } };
        for (int length = 2; length <= 8; length++)
        {
            data.Add(1UL << (7 * (length - 1)), length);
            data.Add((1UL << (7 * length)) - 1, length);
        }

        data.Add(1UL << 56, 9);
        return data;
    }

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void Write_Boundary_UsesShortestLengthAndRoundTrips(ulong value, int expectedLength)
    {
        Assert.Equal(expectedLength, Vi64.GetEncodedLength(value));
        var buffer = new byte[9];
        int written = Vi64.Write(buffer, value);
        Assert.Equal(expectedLength, written);
        Assert.Equal(expectedLength, Vi64.GetLengthFromFirstByte(buffer[0]));
        Assert.True(Vi64.TryRead(buffer.AsSpan(0, written), out ulong decoded, out int read));
        Assert.Equal(value, decoded);
        Assert.Equal(written, read);
    }

    [Fact]
    public void GetLengthFromFirstByte_CountsLeadingOnes()
    {
        byte[] firstBytes = [0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xE0, 0xF0, 0xF8, 0xFC, 0xFE, 0xFF];
        int[] lengths = [1, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9];
        for (int i = 0; i < firstBytes.Length; i++)
            Assert.Equal(lengths[i], Vi64.GetLengthFromFirstByte(firstBytes[i]));
    }

    [Fact]
    public void Write_NonMinimalLength_DecodesToSameValue()
    {
        var buffer = new byte[9];
        for (int length = 1; length <= 9; length++)
        {
            Assert.Equal(length, Vi64.Write(buffer, 100, length));
            Assert.True(Vi64.TryRead(buffer.AsSpan(0, length), out ulong value, out int read));
            Assert.Equal(100UL, value);
            Assert.Equal(length, read);
        }
    }

    [Fact]
    public void Write_ValueTooLargeForLength_Throws()
    {
        var buffer = new byte[9];
        Assert.Throws<ArgumentOutOfRangeException>(() => Vi64.Write(buffer, 128, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Vi64.Write(buffer, 1UL << 56, 8));
    }

    [Fact]
    public void TryRead_Truncated_ReturnsFalse()
    {
        var buffer = new byte[9];
        foreach (ulong value in new[] { 128UL, 16_384UL, 1UL << 40, ulong.MaxValue })
        {
            int length = Vi64.Write(buffer, value);
            for (int prefix = 0; prefix < length; prefix++)
                Assert.False(Vi64.TryRead(buffer.AsSpan(0, prefix), out _, out _));
        }
    }

    [Fact]
    public void TryRead_SequenceReaderAcrossSegments_ReadsAndLeavesReaderOnFailure()
    {
        var buffer = new byte[9];
        int length = Vi64.Write(buffer, 0x0123_4567_89AB_CDEF);
        ReadOnlySequence<byte> sequence = Segments.Bytewise(buffer[..length]);
        var reader = new SequenceReader<byte>(sequence);
        Assert.True(Vi64.TryRead(ref reader, out ulong value));
        Assert.Equal(0x0123_4567_89AB_CDEFUL, value);
        Assert.True(reader.End);

        var partial = new SequenceReader<byte>(Segments.Bytewise(buffer[..(length - 1)]));
        Assert.False(Vi64.TryRead(ref partial, out _));
        Assert.Equal(0, partial.Consumed);
    }

    [Fact]
    public void RoundTrip_SeededRandomValues()
    {
        var random = new Random(1234);
        var buffer = new byte[9];
        for (int i = 0; i < 10_000; i++)
        {
            ulong value = (ulong)random.NextInt64() >> random.Next(64);
            if (random.Next(2) == 0)
                value |= 1UL << 63;
            int written = Vi64.Write(buffer, value);
            Assert.True(Vi64.TryRead(buffer.AsSpan(0, written), out ulong decoded, out _));
            Assert.Equal(value, decoded);
        }
    }
}
