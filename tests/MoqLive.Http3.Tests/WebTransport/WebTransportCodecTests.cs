using System.Buffers;
using MoqLive.Http3.WebTransport;

namespace MoqLive.Http3.Tests.WebTransport;

public sealed class WebTransportCodecTests
{
    [Theory]
    [InlineData(0UL, 0x52e4a40fa8dbUL)]
    [InlineData(0xffUL, 0x52e4a40fa9e2UL)] // draft-02 §4.4: 0xff corresponds to 0x52e4a40fa9e2
    [InlineData(0xffffffffUL, 0x52e5ac983162UL)] // draft-07 §4.3
    public void ErrorCode_ToHttp3_MatchesDraftExamples(ulong application, ulong http3)
    {
        Assert.Equal(http3, WebTransportErrorCodes.ToHttp3(application));
        Assert.True(WebTransportErrorCodes.TryFromHttp3(http3, out ulong back));
        Assert.Equal(application, back);
    }

    [Fact]
    public void ErrorCode_Mapping_RoundTripsAndSkipsGrease()
    {
        var random = new Random(3);
        for (int i = 0; i < 10_000; i++)
        {
            ulong code = i < 1000 ? (ulong)i : (ulong)random.NextInt64(0, uint.MaxValue + 1L);
            ulong http3 = WebTransportErrorCodes.ToHttp3(code);
            Assert.NotEqual(0UL, (http3 - 0x21) % 0x1f);
            Assert.True(WebTransportErrorCodes.TryFromHttp3(http3, out ulong back));
            Assert.Equal(code, back);
        }

        Assert.False(WebTransportErrorCodes.TryFromHttp3((ulong)Http3ErrorCode.NoError, out _));
    }

    [Fact]
    public void CloseCapsule_RoundTrips()
    {
        byte[] encoded = Capsule.EncodeClose(0xdeadbeef, "going away");
        var input = new ReadOnlySequence<byte>(encoded);

        Assert.True(Capsule.TryRead(ref input, 4096, out ulong type, out ReadOnlySequence<byte> value));
        Assert.Equal(Capsule.CloseWebTransportSession, type);
        Assert.Equal((0xdeadbeefu, "going away"), Capsule.DecodeClose(value));
        Assert.True(input.IsEmpty);
        Assert.Equal("6843", Convert.ToHexStringLower(encoded.AsSpan(0, 2))); // 0x2843 as a 2-byte varint
    }

    [Fact]
    public void Capsule_Truncated_NeedsMore()
    {
        byte[] encoded = Capsule.EncodeClose(1, "x");
        var input = new ReadOnlySequence<byte>(encoded.AsMemory(0, encoded.Length - 1));

        Assert.False(Capsule.TryRead(ref input, 4096, out _, out _));
    }

    [Fact]
    public void DrainCapsule_IsTypeAndZeroLength()
    {
        Assert.Equal("8000 78ae 00".Replace(" ", "", StringComparison.Ordinal), Convert.ToHexStringLower(Capsule.EncodeDrain()));
    }

    [Theory]
    [InlineData("moqt-19", "\"moqt-19\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    public void StructuredString_FormatAndParse(string value, string field)
    {
        Assert.Equal(field, StructuredFieldStrings.FormatString(value));
        Assert.Equal(value, StructuredFieldStrings.ParseString(field));
    }

    [Fact]
    public void StructuredList_Parses()
    {
        Assert.Equal(["moqt-19", "moqt-18"], StructuredFieldStrings.ParseList("\"moqt-19\", \"moqt-18\";q=1, token"));
    }
}
