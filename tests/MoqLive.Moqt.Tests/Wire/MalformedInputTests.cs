using System.Buffers;
using MoqLive.Moqt.Wire;
using GroupOrder = MoqLive.Moqt.Model.GroupOrder;
using static MoqLive.Moqt.Tests.Wire.Hex;

namespace MoqLive.Moqt.Tests.Wire;

/// <summary>Malformed input is rejected with the draft-19 error code; truncated input is "need more" (false), never an exception.</summary>
public sealed class MalformedInputTests
{
    private static string Message(string type, string body)
    {
        string b = Normalize(body);
        return type + (b.Length / 2).ToString("x4", System.Globalization.CultureInfo.InvariantCulture) + b;
    }

    private static string Vi(ulong value)
    {
        var buffer = new byte[9];
        return Of(buffer.AsSpan(0, Vi64.Write(buffer, value)));
    }

    private static readonly string LongField = Vi(4000) + new string('6', 8000);

    /// <summary>Control messages (hex) and the code each must close the session with.</summary>
    public static TheoryData<string, string, MoqtErrorCode> ControlCases() => new()
    {
        // Framing: a body longer than its fields (trailing bytes) and a length shorter than the fields.
        { "goaway-trailing-bytes", Message("10", "00 00 00"), MoqtErrorCode.ProtocolViolation },
        { "goaway-field-past-length", Message("10", "05" + A("moqt")), MoqtErrorCode.ProtocolViolation },
        { "unknown-message-type", Message("21", "00"), MoqtErrorCode.ProtocolViolation },
        { "reserved-client-setup", Message("20", ""), MoqtErrorCode.ProtocolViolation },
        { "request-ok-truncated-property", Message("07", "00 05"), MoqtErrorCode.ProtocolViolation },
        // Track naming limits (§"Track Naming").
        { "namespace-33-fields", Message("03", "00 21" + string.Concat(Enumerable.Repeat("0161", 33)) + " 0174 00"), MoqtErrorCode.ProtocolViolation },
        { "namespace-empty-field", Message("03", "00 02 0161 00 0174 00"), MoqtErrorCode.ProtocolViolation },
        { "full-track-name-over-4096", Message("03", "00 01" + LongField + Vi(97) + new string('7', 194) + "00"), MoqtErrorCode.ProtocolViolation },
        { "namespace-prefix-33-fields", Message("50", "00 21" + string.Concat(Enumerable.Repeat("0161", 33)) + " 00"), MoqtErrorCode.ProtocolViolation },
        // Reason phrase over 1024 bytes.
        { "reason-over-1024", Message("05", "10 00" + Vi(1025) + new string('4', 2050)), MoqtErrorCode.ProtocolViolation },
        { "goaway-uri-over-8192", Message("10", Vi(8193) + new string('6', 16386) + "00"), MoqtErrorCode.ProtocolViolation },
        // Message Parameters.
        { "unknown-parameter", Message("03", "00 010161 0174 01 05 00"), MoqtErrorCode.ProtocolViolation },
        { "parameter-not-allowed-here", Message("03", "00 010161 0174 01 0a 00"), MoqtErrorCode.ProtocolViolation },
        { "duplicate-parameter", Message("03", "00 010161 0174 02 10 01 00 01"), MoqtErrorCode.ProtocolViolation },
        { "forward-2", Message("03", "00 010161 0174 01 10 02"), MoqtErrorCode.ProtocolViolation },
        { "group-order-0", Message("03", "00 010161 0174 01 22 00"), MoqtErrorCode.ProtocolViolation },
        { "group-order-3", Message("16", "00 02 00 00 01 22 03"), MoqtErrorCode.ProtocolViolation },
        { "parameter-count-too-large", Message("03", "00 010161 0174 09 10 01"), MoqtErrorCode.ProtocolViolation },
        { "parameter-type-overflow", Message("03", "00 010161 0174 02 10 01 ffffffffffffffffff 00"), MoqtErrorCode.ProtocolViolation },
        { "location-filter-type-5", Message("03", "00 010161 0174 01 21 01 05"), MoqtErrorCode.ProtocolViolation },
        { "location-filter-trailing", Message("03", "00 010161 0174 01 21 02 01 00"), MoqtErrorCode.ProtocolViolation },
        { "location-filter-truncated", Message("03", "00 010161 0174 01 21 02 03 07"), MoqtErrorCode.ProtocolViolation },
        { "location-filter-end-overflow", Message("03", "00 010161 0174 01 21 14 04 ffffffffffffffffff 00 ffffffffffffffffff"), MoqtErrorCode.ProtocolViolation },
        { "auth-token-alias-type-4", Message("03", "00 010161 0174 01 03 02 04 00"), MoqtErrorCode.KeyValueFormattingError },
        { "auth-token-register-truncated", Message("03", "00 010161 0174 01 03 02 01 01"), MoqtErrorCode.KeyValueFormattingError },
        { "auth-token-delete-trailing", Message("03", "00 010161 0174 01 03 03 00 01 01"), MoqtErrorCode.KeyValueFormattingError },
        { "range-filter-no-ranges", Message("03", "00 010161 0174 01 25 01 00"), MoqtErrorCode.ProtocolViolation },
        // FETCH / FETCH_OK.
        { "fetch-type-4", Message("16", "00 04 00 00 00"), MoqtErrorCode.ProtocolViolation },
        { "fetch-type-0", Message("16", "00 00 00"), MoqtErrorCode.ProtocolViolation },
        { "fetch-ok-end-of-track-2", Message("18", "02 00 00 00"), MoqtErrorCode.ProtocolViolation },
        { "fetch-ok-parameter", Message("18", "00 00 00 01 10 01"), MoqtErrorCode.ProtocolViolation },
        // SETUP options and Key-Value-Pairs.
        { "setup-path-invalid-utf8", Message("af00", "01 02 c328"), MoqtErrorCode.MalformedPath },
        { "setup-authority-invalid-utf8", Message("af00", "05 01 ff"), MoqtErrorCode.MalformedAuthority },
        { "setup-duplicate-known-option", Message("af00", "08 01 00 02"), MoqtErrorCode.ProtocolViolation },
        { "setup-kvp-length-over-65535", Message("af00", "809d c11170 00"), MoqtErrorCode.ProtocolViolation },
        { "setup-kvp-type-overflow", Message("af00", "ff fffffffffffffffe 00 04 00"), MoqtErrorCode.ProtocolViolation },
        { "setup-kvp-value-truncated", Message("af00", "01 05 2f"), MoqtErrorCode.ProtocolViolation },
        { "setup-auth-token-bad", Message("af00", "03 01 07"), MoqtErrorCode.KeyValueFormattingError },
        // Track Properties with out-of-range values of known properties.
        { "track-property-group-order-3", Message("04", "01 00 22 03"), MoqtErrorCode.ProtocolViolation },
        { "track-property-dynamic-groups-2", Message("1d", "01 010161 0174 02 00 30 02"), MoqtErrorCode.ProtocolViolation },
        { "track-property-priority-256", Message("07", "00 0e 8100"), MoqtErrorCode.ProtocolViolation },
    };

    [Theory]
    [MemberData(nameof(ControlCases))]
    public void TryRead_MalformedControlMessage_ThrowsWithCode(string name, string hex, MoqtErrorCode code)
    {
        _ = name;
        byte[] bytes = Parse(hex);
        MoqtProtocolException e = Assert.Throws<MoqtProtocolException>(() => ControlMessageCodec.TryRead(bytes, MoqtVersion.Draft19, out _, out _));
        Assert.Equal(code, e.Code);

        // The same input split across segments gives the same error.
        var sequence = Segments.Split(bytes, 1, 3, bytes.Length / 2);
        MoqtProtocolException e2 = Assert.Throws<MoqtProtocolException>(() => ControlMessageCodec.TryRead(ref sequence, MoqtVersion.Draft19, out _));
        Assert.Equal(code, e2.Code);
    }

    public static TheoryData<string, string> DatagramCases() => new()
    {
        { "type-0x10", "10 01 02 03 80 00" },
        { "type-0x22-status-with-end-of-group", "22 01 02 03 80 00" },
        { "type-0x2f", "2f 01 02 00" },
        { "type-0x30", "30 01 02 03 80 00" },
        { "type-0x40", "40 01 02 03 80 00" },
        { "properties-length-0", "01 01 02 03 80 00 61" },
        { "properties-past-end", "01 01 02 03 80 05 02" },
        { "status-with-properties-not-normal", "21 01 02 03 80 02 3e01 03" },
        { "status-unknown", "20 01 02 03 80 05" },
        { "status-trailing", "20 01 02 03 80 00 00" },
        { "truncated-header", "00 01" },
        { "truncated-priority", "00 01 02 03" },
        { "empty", "" },
    };

    [Theory]
    [MemberData(nameof(DatagramCases))]
    public void Read_MalformedDatagram_ThrowsProtocolViolation(string name, string hex)
    {
        _ = name;
        MoqtProtocolException e = Assert.Throws<MoqtProtocolException>(() => ObjectDatagram.Read(Parse(hex)));
        Assert.Equal(MoqtErrorCode.ProtocolViolation, e.Code);
    }

    [Theory]
    [InlineData(0x00UL)]
    [InlineData(0x06UL)]
    [InlineData(0x0FUL)]
    [InlineData(0x16UL)]
    [InlineData(0x1EUL)]
    [InlineData(0x36UL)]
    [InlineData(0x3FUL)]
    [InlineData(0x57UL)]
    [InlineData(0x7FUL)]
    [InlineData(0x80UL)]
    [InlineData(0x90UL)]
    [InlineData(0x2F01UL)]
    [InlineData(0x132B3E29UL)]
    public void Classify_InvalidStreamType_ThrowsProtocolViolation(ulong type)
    {
        Assert.Equal(MoqtErrorCode.ProtocolViolation, Assert.Throws<MoqtProtocolException>(() => MoqtStreamType.Classify(type)).Code);
    }

    [Theory]
    [InlineData("16 01 02 03")]
    [InlineData("1e 01 02")]
    [InlineData("0f 01 02")]
    [InlineData("8090 01 02")]
    public void SubgroupHeader_InvalidType_ThrowsProtocolViolation(string hex)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Parse(hex)));
        bool threw = false;
        try
        {
            SubgroupHeader.TryRead(ref reader, out _);
        }
        catch (MoqtProtocolException e) when (e.Code == MoqtErrorCode.ProtocolViolation)
        {
            threw = true;
        }

        Assert.True(threw);
    }

    public static TheoryData<string, string> SubgroupObjectCases() => new()
    {
        { "status-unknown", "10 01 05 80 00 00 05" },
        { "status-1", "10 01 05 80 00 00 01" },
        { "properties-on-end-of-group", "11 01 05 80 00 02 3e01 00 03" },
        { "object-id-overflow", "10 01 05 80 ffffffffffffffffff 01 61 00 01 62" },
        { "properties-past-kvp", "11 01 05 80 00 02 3f05 00 00" },
    };

    [Theory]
    [MemberData(nameof(SubgroupObjectCases))]
    public void SubgroupObject_Malformed_ThrowsProtocolViolation(string name, string hex)
    {
        _ = name;
        Assert.Equal(MoqtErrorCode.ProtocolViolation,
            Assert.Throws<MoqtProtocolException>(() => SubgroupStream.Decode(new ReadOnlySequence<byte>(Parse(hex)))).Code);
    }

    public static TheoryData<string, string, GroupOrder> FetchObjectCases() => new()
    {
        { "flags-0x80", "05 00 8080 00", GroupOrder.Ascending },
        { "flags-0x18c", "05 00 818c 00", GroupOrder.Ascending },
        { "first-without-group", "05 00 14 00 80 00", GroupOrder.Ascending },
        { "first-without-object", "05 00 18 00 80 00", GroupOrder.Ascending },
        { "first-prior-subgroup", "05 00 1d 00 00 80 00", GroupOrder.Ascending },
        { "first-next-subgroup", "05 00 1e 00 00 80 00", GroupOrder.Ascending },
        { "first-without-priority", "05 00 0c 00 00 00", GroupOrder.Ascending },
        { "prior-subgroup-after-datagram", "05 00 5c 00 00 80 00 01 00", GroupOrder.Ascending },
        { "descending-underflow", "05 00 1c 02 00 80 00 08 02 00", GroupOrder.Descending },
        { "ascending-overflow", "05 00 1c ffffffffffffffffff 00 80 00 08 00 00", GroupOrder.Ascending },
        { "end-of-range-with-payload", "05 00 808c 01 02 01 61", GroupOrder.Ascending },
        { "end-of-range-then-prior-subgroup", "05 00 808c 01 02 00 01 00", GroupOrder.Ascending },
    };

    [Theory]
    [MemberData(nameof(FetchObjectCases))]
    public void FetchObject_Malformed_ThrowsProtocolViolation(string name, string hex, GroupOrder order)
    {
        _ = name;
        Assert.Equal(MoqtErrorCode.ProtocolViolation,
            Assert.Throws<MoqtProtocolException>(() => FetchStream.Decode(new ReadOnlySequence<byte>(Parse(hex)), order)).Code);
    }

    [Fact]
    public void FetchHeader_OtherStreamType_ThrowsProtocolViolation()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Parse("10 01")));
        bool threw = false;
        try
        {
            FetchHeader.TryRead(ref reader, out _);
        }
        catch (MoqtProtocolException)
        {
            threw = true;
        }

        Assert.True(threw);
    }
}
