using MoqLive.Quic.Packets;

namespace MoqLive.Quic.Tests.Packets;

public class PacketNumberTests
{
    // RFC 9000 Appendix A.2: 0xac5c02 with largest acked 0xabe8b3 needs 16 bits; 0xace8fe needs 24 bits.
    [Theory]
    [InlineData(0xac5c02UL, 0xabe8b3UL, 2)]
    [InlineData(0xace8feUL, 0xabe8b3UL, 3)]
    public void GetEncodedLength_AppendixA2_Examples(ulong packetNumber, ulong largestAcked, int expected) =>
        Assert.Equal(expected, PacketNumber.GetEncodedLength(packetNumber, largestAcked));

    [Theory]
    [InlineData(0UL, 1)]
    [InlineData(127UL, 1)]
    [InlineData(128UL, 2)]
    [InlineData(40_000UL, 3)]
    [InlineData(1UL << 30, 4)]
    public void GetEncodedLength_NothingAcked_CoversFromZero(ulong packetNumber, int expected) =>
        Assert.Equal(expected, PacketNumber.GetEncodedLength(packetNumber, null));

    // RFC 9000 Appendix A.3 (and §17.1): largest 0xa82f30ea, 16-bit 0x9b32 decodes to 0xa82f9b32.
    [Fact]
    public void Decode_AppendixA3_Example() =>
        Assert.Equal(0xa82f9b32UL, PacketNumber.Decode(0xa82f30ea, 0x9b32, 2));

    [Theory]
    [InlineData(null, 0UL, 1, 0UL)]
    [InlineData(254UL, 0UL, 1, 256UL)]      // wraps forward
    [InlineData(256UL, 0xffUL, 1, 255UL)]   // wraps backward
    [InlineData((1UL << 62) - 2, 0xffUL, 1, (1UL << 62) - 1)] // never above 2^62 - 1
    [InlineData(10UL, 200UL, 1, 200UL)]
    public void Decode_WindowEdges(ulong? largest, ulong truncated, int length, ulong expected) =>
        Assert.Equal(expected, PacketNumber.Decode(largest, truncated, length));

    [Fact]
    public void EncodeThenDecode_RandomWithinWindow_RoundTrips()
    {
        var random = new Random(1234);
        Span<byte> buffer = stackalloc byte[4];
        for (int i = 0; i < 20_000; i++)
        {
            ulong largestAcked = (ulong)random.NextInt64(0, 1L << 40);
            ulong packetNumber = largestAcked + 1 + (ulong)random.Next(0, 1 << random.Next(1, 30));
            int length = PacketNumber.GetEncodedLength(packetNumber, largestAcked);
            PacketNumber.Write(buffer, packetNumber, length);
            // The receiver may have seen anything between largestAcked and packetNumber - 1.
            ulong largestReceived = largestAcked + (ulong)random.NextInt64(0, (long)(packetNumber - largestAcked));
            ulong truncated = PacketNumber.ReadTruncated(buffer, length);
            Assert.Equal(packetNumber, PacketNumber.Decode(largestReceived, truncated, length));
        }
    }
}
