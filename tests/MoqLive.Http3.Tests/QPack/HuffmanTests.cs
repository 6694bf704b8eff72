using System.Buffers;
using System.Text;
using MoqLive.Http3.QPack;

namespace MoqLive.Http3.Tests.QPack;

public sealed class HuffmanTests
{
    // RFC 7541 Appendix C.4 (requests with Huffman coding) and C.6 (responses with Huffman coding).
    [Theory]
    [InlineData("www.example.com", "f1e3c2e5f23a6ba0ab90f4ff")] // C.4.1
    [InlineData("no-cache", "a8eb10649cbf")] // C.4.2
    [InlineData("custom-key", "25a849e95ba97d7f")] // C.4.3
    [InlineData("custom-value", "25a849e95bb8e8b4bf")] // C.4.3
    [InlineData("302", "6402")] // C.6.1
    [InlineData("private", "aec3771a4b")] // C.6.1
    [InlineData("Mon, 21 Oct 2013 20:13:21 GMT", "d07abe941054d444a8200595040b8166e082a62d1bff")] // C.6.1
    [InlineData("https://www.example.com", "9d29ad171863c78f0b97c8e9ae82ae43d3")] // C.6.1
    public void Encode_Rfc7541AppendixC_MatchesVector(string text, string hex)
    {
        byte[] raw = Encoding.ASCII.GetBytes(text);
        var encoded = new byte[Huffman.GetEncodedLength(raw)];

        int written = Huffman.Encode(raw, encoded);

        Assert.Equal(hex, Convert.ToHexStringLower(encoded.AsSpan(0, written)));
    }

    [Theory]
    [InlineData("f1e3c2e5f23a6ba0ab90f4ff", "www.example.com")]
    [InlineData("a8eb10649cbf", "no-cache")]
    [InlineData("25a849e95bb8e8b4bf", "custom-value")]
    [InlineData("d07abe941054d444a8200595040b8166e082a62d1bff", "Mon, 21 Oct 2013 20:13:21 GMT")]
    public void Decode_Rfc7541AppendixC_MatchesText(string hex, string text)
    {
        byte[] encoded = Convert.FromHexString(hex);
        var decoded = new byte[Huffman.GetMaxDecodedLength(encoded.Length)];

        Assert.Equal(OperationStatus.Done, Huffman.Decode(encoded, decoded, out int written));
        Assert.Equal(text, Encoding.ASCII.GetString(decoded, 0, written));
    }

    [Fact]
    public void Table_IsCanonicalAndComplete()
    {
        // RFC 7541 Appendix B's code is canonical: recomputing codes from the lengths alone (sorted by length,
        // then symbol) must reproduce every transcribed code, and the Kraft sum of a complete code is exactly 1.
        var symbols = Enumerable.Range(0, 257).OrderBy(s => Huffman.GetCode(s).Length).ThenBy(s => s).ToArray();
        ulong code = 0;
        int previousLength = Huffman.GetCode(symbols[0]).Length;
        double kraft = 0;
        for (int i = 0; i < symbols.Length; i++)
        {
            (uint actual, int length) = Huffman.GetCode(symbols[i]);
            if (i > 0)
                code = (code + 1) << (length - previousLength);
            previousLength = length;
            Assert.Equal(code, actual);
            kraft += Math.Pow(2, -length);
        }

        Assert.Equal(1.0, kraft);
        Assert.Equal((0x3fffffffu, 30), Huffman.GetCode(Huffman.EndOfString));
    }

    [Fact]
    public void EncodeDecode_AllByteValues_RoundTrip()
    {
        var random = new Random(7541);
        for (int n = 0; n < 500; n++)
        {
            var raw = new byte[random.Next(0, 64)];
            random.NextBytes(raw);
            var encoded = new byte[Huffman.GetEncodedLength(raw)];
            Huffman.Encode(raw, encoded);
            var decoded = new byte[Huffman.GetMaxDecodedLength(encoded.Length) + 1];

            Assert.Equal(OperationStatus.Done, Huffman.Decode(encoded, decoded, out int written));
            Assert.Equal(raw, decoded.AsSpan(0, written).ToArray());
        }
    }

    [Fact]
    public void Decode_EosSymbol_IsInvalid()
    {
        // EOS (30 ones) padded with two more ones: the decoder meets the EOS symbol itself.
        byte[] encoded = [0xFF, 0xFF, 0xFF, 0xFF];

        Assert.Equal(OperationStatus.InvalidData, Huffman.Decode(encoded, new byte[8], out _));
    }

    [Fact]
    public void Decode_PaddingLongerThanSevenBits_IsInvalid()
    {
        // 'a' (00011, 5 bits) then 11 one-bits of padding.
        byte[] encoded = [0b0001_1111, 0xFF];

        Assert.Equal(OperationStatus.InvalidData, Huffman.Decode(encoded, new byte[8], out _));
    }

    [Fact]
    public void Decode_PaddingNotEosPrefix_IsInvalid()
    {
        // 'a' (00011) then padding 000 instead of 111.
        byte[] encoded = [0b0001_1000];

        Assert.Equal(OperationStatus.InvalidData, Huffman.Decode(encoded, new byte[8], out _));
    }

    [Fact]
    public void Decode_ValidPadding_IsDone()
    {
        byte[] encoded = [0b0001_1111]; // 'a' + 111

        Assert.Equal(OperationStatus.Done, Huffman.Decode(encoded, new byte[8], out int written));
        Assert.Equal(1, written);
    }
}
