using System.Buffers;
using MoqLive.Transport.Encoding;

namespace MoqLive.Transport.Tests.Encoding;

public class QuicVarIntTests
{
    // RFC 9000 Appendix A.1 sample encodings.
    [Theory]
    [InlineData("c2197c5eff14e88c", 151_288_809_941_952_652UL)]
    [InlineData("9d7f3e7d", 494_878_333UL)]
    [InlineData("7bbd", 15_293UL)]
    [InlineData("25", 37UL)]
    [InlineData("4025", 37UL)]
    public void TryRead_Rfc9000AppendixA1_DecodesValue(string hex, ulong expected)
    {
        byte[] bytes = Convert.FromHexString(hex);

        Assert.True(QuicVarInt.TryRead(bytes, out ulong value, out int read));
        Assert.Equal(expected, value);
        Assert.Equal(bytes.Length, read);
    }

    [Theory]
    [InlineData(0UL, 1)]
    [InlineData(63UL, 1)]
    [InlineData(64UL, 2)]
    [InlineData(16_383UL, 2)]
    [InlineData(16_384UL, 4)]
    [InlineData(1_073_741_823UL, 4)]
    [InlineData(1_073_741_824UL, 8)]
    [InlineData(QuicVarInt.MaxValue, 8)]
    public void Write_Boundaries_RoundTripsInShortestForm(ulong value, int expectedLength)
    {
        var writer = new ArrayBufferWriter<byte>();
        QuicVarInt.Write(writer, value);

        Assert.Equal(expectedLength, writer.WrittenCount);
        Assert.True(QuicVarInt.TryRead(writer.WrittenSpan, out ulong decoded, out _));
        Assert.Equal(value, decoded);
    }

    [Fact]
    public void TryRead_Truncated_ReturnsFalse()
    {
        Assert.False(QuicVarInt.TryRead(Convert.FromHexString("9d7f3e"), out _, out _));
        Assert.False(QuicVarInt.TryRead(ReadOnlySpan<byte>.Empty, out _, out _));
    }

    [Fact]
    public void TryRead_SequenceReaderAcrossSegments_Decodes()
    {
        var first = new Segment(Convert.FromHexString("c2197c"));
        Segment last = first.Append(Convert.FromHexString("5eff14e88c"));
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length));

        Assert.True(QuicVarInt.TryRead(ref reader, out ulong value));
        Assert.Equal(151_288_809_941_952_652UL, value);
        Assert.True(reader.End);
    }

    [Fact]
    public void Write_TooLarge_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => QuicVarInt.GetEncodedLength(QuicVarInt.MaxValue + 1));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] data) => Memory = data;

        public Segment Append(byte[] data)
        {
            var next = new Segment(data) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
