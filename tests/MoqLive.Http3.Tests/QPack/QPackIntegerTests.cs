using System.Buffers;
using MoqLive.Http3.QPack;

namespace MoqLive.Http3.Tests.QPack;

public sealed class QPackIntegerTests
{
    // RFC 7541 Appendix C.1.
    [Theory]
    [InlineData(10UL, 5, "0a")] // C.1.1
    [InlineData(1337UL, 5, "1f9a0a")] // C.1.2
    [InlineData(42UL, 8, "2a")] // C.1.3
    public void Encode_Rfc7541AppendixC1_MatchesVector(ulong value, int prefixBits, string hex)
    {
        var buffer = new byte[16];

        int written = QPackInteger.Encode(buffer, value, prefixBits, 0);

        Assert.Equal(hex, Convert.ToHexStringLower(buffer.AsSpan(0, written)));
        Assert.Equal(written, QPackInteger.GetEncodedLength(value, prefixBits));
        Assert.Equal(OperationStatus.Done, QPackInteger.Decode(buffer.AsSpan(0, written), prefixBits, out ulong decoded, out int consumed));
        Assert.Equal(value, decoded);
        Assert.Equal(written, consumed);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(30UL)]
    [InlineData(31UL)]
    [InlineData(127UL)]
    [InlineData(128UL)]
    [InlineData(1UL << 40)]
    [InlineData(QPackInteger.MaxValue)]
    public void EncodeDecode_AllPrefixes_RoundTrip(ulong value)
    {
        for (int prefix = 1; prefix <= 8; prefix++)
        {
            var buffer = new byte[16];
            byte flags = (byte)(0xFF << prefix);
            int written = QPackInteger.Encode(buffer, value, prefix, flags);

            Assert.Equal(OperationStatus.Done, QPackInteger.Decode(buffer.AsSpan(0, written), prefix, out ulong decoded, out _));
            Assert.Equal(value, decoded);
            Assert.Equal(OperationStatus.NeedMoreData, QPackInteger.Decode(buffer.AsSpan(0, written - 1), prefix, out _, out _));
        }
    }

    [Fact]
    public void Decode_MoreThan62Bits_IsInvalid()
    {
        byte[] encoded = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F];

        Assert.Equal(OperationStatus.InvalidData, QPackInteger.Decode(encoded, 8, out _, out _));
    }
}
