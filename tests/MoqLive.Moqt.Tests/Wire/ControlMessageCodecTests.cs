using System.Buffers;
using MoqLive.Moqt.Wire;

namespace MoqLive.Moqt.Tests.Wire;

public sealed class ControlMessageCodecTests
{
    public static TheoryData<string> ControlVectors() =>
        [.. GoldenVectorCatalog.All.Where(v => v.Kind == "control").Select(v => v.Name)];

    private static byte[] Bytes(string name) => Hex.Parse(GoldenVectorCatalog.All.Single(v => v.Name == name).Hex);

    [Theory]
    [MemberData(nameof(ControlVectors))]
    public void TryRead_EveryPrefix_ReturnsFalseAndLeavesBuffer(string name)
    {
        byte[] bytes = Bytes(name);
        for (int prefix = 0; prefix < bytes.Length; prefix++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, prefix);
            Assert.False(ControlMessageCodec.TryRead(ref buffer, MoqtVersion.Draft19, out _));
            Assert.Equal(prefix, buffer.Length);
        }
    }

    [Theory]
    [MemberData(nameof(ControlVectors))]
    public void TryRead_OneByteSegments_DecodesSameMessage(string name)
    {
        byte[] bytes = Bytes(name);
        ReadOnlySequence<byte> buffer = Segments.Bytewise(bytes);
        Assert.True(ControlMessageCodec.TryRead(ref buffer, MoqtVersion.Draft19, out MoqtControlMessage message));
        Assert.True(buffer.IsEmpty);
        Assert.Equal(Hex.Of(bytes), Hex.Of(ControlMessageCodec.Encode(message, MoqtVersion.Draft19)));
    }

    [Theory]
    [MemberData(nameof(ControlVectors))]
    public void RoundTrip_DecodedMessage_EqualsOriginal(string name)
    {
        var original = (MoqtControlMessage)GoldenVectorCatalog.All.Single(v => v.Name == name).Value;
        byte[] bytes = ControlMessageCodec.Encode(original, MoqtVersion.Draft19);
        Assert.True(ControlMessageCodec.TryRead(bytes, MoqtVersion.Draft19, out MoqtControlMessage decoded, out _));
        Assert.Equal(original, decoded);
    }

    [Fact]
    public void TryRead_TwoMessagesBackToBack_ReadsBoth()
    {
        byte[] first = Bytes("control/goaway");
        byte[] second = Bytes("control/subscribe-ok");
        var buffer = Segments.Split([.. first, .. second], 3, first.Length + 1);
        Assert.True(ControlMessageCodec.TryRead(ref buffer, MoqtVersion.Draft19, out MoqtControlMessage a));
        Assert.IsType<GoAway>(a);
        Assert.True(ControlMessageCodec.TryRead(ref buffer, MoqtVersion.Draft19, out MoqtControlMessage b));
        Assert.IsType<SubscribeOk>(b);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Write_IntoBufferWriter_MatchesEncode()
    {
        var message = new GoAway("moqt://r2", 5000);
        var writer = new ArrayBufferWriter<byte>();
        ControlMessageCodec.Write(writer, message, MoqtVersion.Draft19);
        Assert.Equal(ControlMessageCodec.Encode(message, MoqtVersion.Draft19), writer.WrittenSpan.ToArray());
        Assert.Equal(writer.WrittenCount, ControlMessageCodec.GetEncodedLength(message, MoqtVersion.Draft19));
    }

    [Fact]
    public void Encode_BodyOver65535_Throws()
    {
        var message = new Setup { UnknownOptions = [MoqtKeyValuePair.FromBytes(0x9D, new byte[65_535]), MoqtKeyValuePair.FromBytes(0x11D, new byte[10])] };
        Assert.Throws<ArgumentException>(() => ControlMessageCodec.Encode(message, MoqtVersion.Draft19));
    }

    [Fact]
    public void TryRead_UnknownTypeWithIncompleteBody_ThrowsProtocolViolation()
    {
        var buffer = new ReadOnlySequence<byte>(Hex.Parse("21 0010 00"));
        MoqtProtocolException e = Assert.Throws<MoqtProtocolException>(() => ControlMessageCodec.TryRead(ref buffer, MoqtVersion.Draft19, out _));
        Assert.Equal(MoqtErrorCode.ProtocolViolation, e.Code);
    }

    [Fact]
    public void Setup_UnknownOddAndEvenOptions_ArePreservedAndIgnored()
    {
        // GREASE 0x9D (odd, bytes) twice — duplicates of unknown options are allowed — and 0x11C (even, vi64).
        byte[] bytes = Hex.Parse("af00 000a 809d 02 beef 00 01 ff 7f 05");
        Assert.True(ControlMessageCodec.TryRead(bytes, MoqtVersion.Draft19, out MoqtControlMessage message, out _));
        var setup = Assert.IsType<Setup>(message);
        Assert.Equal(
            [MoqtKeyValuePair.FromBytes(0x9D, new byte[] { 0xbe, 0xef }), MoqtKeyValuePair.FromBytes(0x9D, new byte[] { 0xff }), MoqtKeyValuePair.FromInt(0x11C, 5)],
            setup.UnknownOptions);
        Assert.Equal(Hex.Of(bytes), Hex.Of(ControlMessageCodec.Encode(setup, MoqtVersion.Draft19)));
    }

    [Fact]
    public void MessageParameters_RangeFilter_ResolvesSpecExample()
    {
        var filter = RangeFilter.Create(MessageParameterType.SubgroupFilter, 0, null, [new FilterRange(3, 5), new FilterRange(10, 15)]);
        Assert.Equal([3UL, 2, 5, 5], filter.EncodedValues);
        Assert.True(filter.TryGetRanges(out IReadOnlyList<FilterRange> ranges));
        Assert.Equal([new FilterRange(3, 5), new FilterRange(10, 15)], ranges);
    }

    [Fact]
    public void TrackNamespace_RenderName_FollowsRecommendedFormat()
    {
        var name = new FullTrackName(TrackNamespace.FromStrings("example.net", "team2", "project_x"), "report");
        Assert.Equal("example.2enet-team2-project_x--report", name.ToString());
    }
}
