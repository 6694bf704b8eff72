using System.Buffers;
using MoqLive.Http3.Frames;

namespace MoqLive.Http3.Tests.Frames;

public sealed class Http3FrameReaderTests
{
    private static Http3Frame ReadOne(byte[] bytes)
    {
        var input = new ReadOnlySequence<byte>(bytes);
        Assert.True(Http3FrameReader.TryReadFrame(ref input, 1 << 20, out Http3Frame frame));
        Assert.True(input.IsEmpty);
        return frame;
    }

    [Fact]
    public void WriteData_ThenRead_RoundTrips()
    {
        var writer = new ArrayBufferWriter<byte>();
        Http3FrameWriter.WriteData(writer, [1, 2, 3]);

        Http3Frame frame = ReadOne(writer.WrittenSpan.ToArray());

        Assert.Equal(Http3FrameType.Data, frame.KnownType);
        Assert.Equal([1, 2, 3], frame.Payload.ToArray());
        Assert.Equal("0003010203", Convert.ToHexStringLower(writer.WrittenSpan));
    }

    [Fact]
    public void WriteHeaders_ThenRead_RoundTrips()
    {
        var writer = new ArrayBufferWriter<byte>();
        Http3FrameWriter.WriteHeaders(writer, [0, 0, 0xD1]);

        Http3Frame frame = ReadOne(writer.WrittenSpan.ToArray());

        Assert.Equal(Http3FrameType.Headers, frame.KnownType);
        Assert.Equal([0, 0, 0xD1], frame.Payload.ToArray());
    }

    [Theory]
    [InlineData(0x07, 0UL)]
    [InlineData(0x07, 1_000_000UL)]
    [InlineData(0x03, 7UL)]
    [InlineData(0x0d, 16_384UL)]
    public void WriteSingleVarIntFrames_ThenRead_RoundTrip(int typeValue, ulong value)
    {
        var type = (Http3FrameType)typeValue;
        var writer = new ArrayBufferWriter<byte>();
        switch (type)
        {
            case Http3FrameType.GoAway: Http3FrameWriter.WriteGoAway(writer, value); break;
            case Http3FrameType.CancelPush: Http3FrameWriter.WriteCancelPush(writer, value); break;
            default: Http3FrameWriter.WriteMaxPushId(writer, value); break;
        }

        Http3Frame frame = ReadOne(writer.WrittenSpan.ToArray());

        Assert.Equal(type, frame.KnownType);
        Assert.Equal(value, Http3FrameReader.ReadSingleVarInt(frame.Payload, "test"));
    }

    [Fact]
    public void WritePushPromise_ThenRead_RoundTrips()
    {
        var writer = new ArrayBufferWriter<byte>();
        Http3FrameWriter.WritePushPromise(writer, 3, [0, 0, 0xC1]);

        Http3Frame frame = ReadOne(writer.WrittenSpan.ToArray());

        Assert.Equal(Http3FrameType.PushPromise, frame.KnownType);
        Assert.Equal([3, 0, 0, 0xC1], frame.Payload.ToArray());
    }

    [Fact]
    public void WriteSettings_ThenParse_RoundTrips()
    {
        var settings = new Dictionary<ulong, ulong>
        {
            [Http3SettingId.MaxFieldSectionSize] = 16_384,
            [Http3SettingId.QPackMaxTableCapacity] = 0,
            [Http3SettingId.EnableWebTransportDraft02] = 1,
            [Http3SettingId.WebTransportMaxSessionsDraft07] = 16,
            [0x1f * 5 + 0x21] = 42,
        };
        var writer = new ArrayBufferWriter<byte>();
        Http3FrameWriter.WriteSettings(writer, settings);

        Http3Frame frame = ReadOne(writer.WrittenSpan.ToArray());

        Assert.Equal(Http3FrameType.Settings, frame.KnownType);
        Assert.Equal(settings, SettingsFrame.Parse(frame.Payload));
    }

    [Fact]
    public void WriteWebTransportStreamHeader_IsTypeThenSessionId()
    {
        var writer = new ArrayBufferWriter<byte>();

        Http3FrameWriter.WriteWebTransportStreamHeader(writer, 4);

        Assert.Equal("404104", Convert.ToHexStringLower(writer.WrittenSpan));
    }

    [Fact]
    public void TryReadFrame_TruncatedPayload_ReturnsFalseAndKeepsInput()
    {
        var input = new ReadOnlySequence<byte>([0x00, 0x05, 1, 2]);

        Assert.False(Http3FrameReader.TryReadFrame(ref input, 100, out _));
        Assert.Equal(4, input.Length);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x40 })]
    [InlineData(new byte[] { 0x00 })]
    [InlineData(new byte[] { 0x00, 0x80, 0x00 })]
    public void TryReadFrame_TruncatedHeader_ReturnsFalse(byte[] bytes)
    {
        var input = new ReadOnlySequence<byte>(bytes);

        Assert.False(Http3FrameReader.TryReadFrame(ref input, 100, out _));
        Assert.Equal(bytes.Length, input.Length);
    }

    [Fact]
    public void TryReadFrame_PayloadOverLimit_ThrowsExcessiveLoad()
    {
        var input = new ReadOnlySequence<byte>([0x01, 0x44, 0x00]);

        var ex = Assert.Throws<Http3ConnectionErrorException>(() => Http3FrameReader.TryReadFrame(ref input, 1000, out _));

        Assert.Equal(Http3ErrorCode.ExcessiveLoad, ex.ErrorCode);
    }

    [Fact]
    public void TryReadFrame_MultiSegmentInput_ReadsFrames()
    {
        var writer = new ArrayBufferWriter<byte>();
        Http3FrameWriter.WriteData(writer, new byte[300]);
        Http3FrameWriter.WriteGoAway(writer, 8);
        ReadOnlySequence<byte> input = TestSequence.Split(writer.WrittenSpan.ToArray(), 1);

        Assert.True(Http3FrameReader.TryReadFrame(ref input, 1000, out Http3Frame data));
        Assert.Equal(300, data.Payload.Length);
        Assert.True(Http3FrameReader.TryReadFrame(ref input, 1000, out Http3Frame goAway));
        Assert.Equal(8UL, Http3FrameReader.ReadSingleVarInt(goAway.Payload, "GOAWAY"));
        Assert.True(input.IsEmpty);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x01, 0x02 })]
    [InlineData(new byte[] { 0x40 })]
    public void ReadSingleVarInt_WrongLength_ThrowsFrameError(byte[] payload)
    {
        var ex = Assert.Throws<Http3ConnectionErrorException>(
            () => Http3FrameReader.ReadSingleVarInt(new ReadOnlySequence<byte>(payload), "GOAWAY"));

        Assert.Equal(Http3ErrorCode.FrameError, ex.ErrorCode);
    }

    [Fact]
    public void SettingsParse_Duplicate_ThrowsSettingsError()
    {
        var ex = Assert.Throws<Http3ConnectionErrorException>(
            () => SettingsFrame.Parse(new ReadOnlySequence<byte>([0x06, 0x01, 0x06, 0x02])));

        Assert.Equal(Http3ErrorCode.SettingsError, ex.ErrorCode);
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x02)]
    [InlineData(0x03)]
    [InlineData(0x04)]
    [InlineData(0x05)]
    public void SettingsParse_Http2Identifier_ThrowsSettingsError(byte id)
    {
        var ex = Assert.Throws<Http3ConnectionErrorException>(
            () => SettingsFrame.Parse(new ReadOnlySequence<byte>([id, 0x01])));

        Assert.Equal(Http3ErrorCode.SettingsError, ex.ErrorCode);
    }

    [Fact]
    public void SettingsParse_TruncatedPair_ThrowsFrameError()
    {
        var ex = Assert.Throws<Http3ConnectionErrorException>(
            () => SettingsFrame.Parse(new ReadOnlySequence<byte>([0x06])));

        Assert.Equal(Http3ErrorCode.FrameError, ex.ErrorCode);
    }

    [Fact]
    public void SettingsParse_GreaseAndUnknown_AreKept()
    {
        Dictionary<ulong, ulong> settings = SettingsFrame.Parse(new ReadOnlySequence<byte>([0x21, 0x05, 0x3f, 0x01]));

        Assert.Equal(2, settings.Count);
        Assert.True(Http3SettingId.IsGrease(0x21));
        Assert.True(Http3SettingId.IsGrease(0x40));
        Assert.False(Http3SettingId.IsGrease(0x3f));
    }

    [Fact]
    public void ReservedTypes_AreRecognised()
    {
        Assert.True(Http3FrameReader.IsReservedHttp2Type(0x02));
        Assert.True(Http3FrameReader.IsReservedHttp2Type(0x09));
        Assert.False(Http3FrameReader.IsReservedHttp2Type(0x07));
        Assert.True(Http3FrameReader.IsReservedGreaseType(0x21 + (0x1f * 3)));
    }
}
