using System.Buffers;
using MoqLive.Http3.QPack;

namespace MoqLive.Http3.Tests.QPack;

public sealed class QPackDecoderTests
{
    private readonly QPackDecoder _decoder = new(maxFieldSectionSize: 16 * 1024);

    [Fact]
    public void Decode_Rfc9204AppendixB1_LiteralWithStaticNameReference()
    {
        // RFC 9204 Appendix B.1, stream 0.
        byte[] section = Convert.FromHexString("0000510b2f696e6465782e68746d6c");

        List<HeaderField> fields = _decoder.Decode(section);

        Assert.Equal([new HeaderField(":path", "/index.html")], fields);
    }

    [Fact]
    public void Decode_IndexedStaticFieldLines_ReturnsEntries()
    {
        // :method GET (17), :scheme https (23), :path / (1), :status 200 (25) as 1 T=1 Index(6+).
        byte[] section = [0x00, 0x00, 0xC0 | 17, 0xC0 | 23, 0xC0 | 1, 0xC0 | 25];

        List<HeaderField> fields = _decoder.Decode(section);

        Assert.Equal(
            [new(":method", "GET"), new(":scheme", "https"), new(":path", "/"), new(":status", "200")],
            fields);
    }

    [Fact]
    public void Decode_IndexAbove63_UsesContinuationBytes()
    {
        // Index 98 (x-frame-options: sameorigin) = 63 + 35: 0xFF 0x23.
        byte[] section = [0x00, 0x00, 0xFF, 35];

        Assert.Equal([new HeaderField("x-frame-options", "sameorigin")], _decoder.Decode(section));
    }

    [Fact]
    public void Decode_LiteralNameHuffman_Rfc7541C4Strings()
    {
        // 0 0 1 N=0 H=1 NameLen(3+)=8 ("custom-key" Huffman, 8 bytes: 7 + 1), value Huffman "custom-value" (9 bytes).
        byte[] section = Convert.FromHexString("0000" + "2f01" + "25a849e95ba97d7f" + "89" + "25a849e95bb8e8b4bf");

        Assert.Equal([new HeaderField("custom-key", "custom-value")], _decoder.Decode(section));
    }

    [Fact]
    public void Decode_LiteralNameNotHuffman_ReturnsField()
    {
        // 0 0 1 N=1 H=0 NameLen=3 "foo", value H=0 len 3 "bar".
        byte[] section = Convert.FromHexString("0000" + "33" + "666f6f" + "03" + "626172");

        Assert.Equal([new HeaderField("foo", "bar")], _decoder.Decode(section));
    }

    [Fact]
    public void EncodeThenDecode_MixedFields_RoundTrip()
    {
        HeaderField[] fields =
        [
            new(":method", "GET"), new(":scheme", "https"), new(":authority", "relay.example"), new(":path", "/moq?x=1"),
            new("user-agent", "MoqLive/1.0"), new("x-custom", "Zm9v\u00ff\u0001"), new("accept", "*/*"), new("empty", ""),
        ];
        var writer = new ArrayBufferWriter<byte>();

        QPackEncoder.Encode(fields, writer);

        Assert.Equal(fields, _decoder.Decode(writer.WrittenSpan));
    }

    [Fact]
    public void Encode_StaticExactMatch_IsOneByte()
    {
        var writer = new ArrayBufferWriter<byte>();

        QPackEncoder.Encode([new(":method", "GET"), new(":status", "404")], writer);

        Assert.Equal("0000d1db", Convert.ToHexStringLower(writer.WrittenSpan));
    }

    [Fact]
    public void Encode_StaticNameWithLiteralValue_UsesHuffmanWhenShorter()
    {
        var writer = new ArrayBufferWriter<byte>();

        // :authority (index 0) with "www.example.com" (RFC 7541 C.4.1 Huffman string, 12 bytes < 15).
        QPackEncoder.Encode([new(":authority", "www.example.com")], writer);

        Assert.Equal("0000" + "50" + "8c" + "f1e3c2e5f23a6ba0ab90f4ff", Convert.ToHexStringLower(writer.WrittenSpan));
    }

    [Fact]
    public void Encode_ValueWhereHuffmanIsLonger_UsesRawLiteral()
    {
        var writer = new ArrayBufferWriter<byte>();

        QPackEncoder.Encode([new(":path", "\u0000")], writer); // NUL is a 13-bit code: 2 bytes Huffman vs 1 raw.

        Assert.Equal("0000" + "51" + "01" + "00", Convert.ToHexStringLower(writer.WrittenSpan));
    }

    [Theory]
    [InlineData("0100c1", "Required Insert Count")] // encoded insert count 1
    [InlineData("0080c1", "negative Base")] // sign bit
    [InlineData("000081", "dynamic table")] // indexed, T=0
    [InlineData("000010", "Post-Base")] // indexed post-base
    [InlineData("000000", "Post-Base")] // literal post-base name ref
    [InlineData("00004103616263", "dynamic table name")] // literal name ref, T=0
    [InlineData("0000ff24", "does not exist")] // static index 99
    [InlineData("00", "truncated")]
    [InlineData("", "truncated")]
    [InlineData("00005105616263", "longer than")] // value length 5, only 3 bytes
    [InlineData("00005181ff", "Huffman")] // Huffman value that is EOS padding only (8 ones)
    [InlineData("0000ff", "truncated")] // index continuation missing
    public void Decode_Malformed_ThrowsDecompressionFailed(string hex, string messagePart)
    {
        byte[] section = Convert.FromHexString(hex);

        var ex = Assert.Throws<Http3ConnectionErrorException>(() => _decoder.Decode(section));

        Assert.Equal(Http3ErrorCode.QPackDecompressionFailed, ex.ErrorCode);
        Assert.Contains(messagePart, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Decode_LargerThanMaxFieldSectionSize_ThrowsStreamError()
    {
        var decoder = new QPackDecoder(maxFieldSectionSize: 100);
        var writer = new ArrayBufferWriter<byte>();
        QPackEncoder.Encode([new("a", new string('x', 40)), new("b", new string('y', 40))], writer);

        var ex = Assert.Throws<Http3StreamErrorException>(() => decoder.Decode(writer.WrittenSpan));

        Assert.True(ex.FieldSectionTooLarge);
    }
}
