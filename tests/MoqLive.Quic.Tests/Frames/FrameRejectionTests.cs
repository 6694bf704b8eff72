using MoqLive.Quic.Frames;
using MoqLive.Quic.Packets;

namespace MoqLive.Quic.Tests.Frames;

public class FrameRejectionTests
{
    private static QuicProtocolException ReadAll(byte[] payload, PacketType packetType = PacketType.OneRtt) =>
        Assert.Throws<QuicProtocolException>(() =>
        {
            var reader = new FrameReader(payload, packetType);
            while (reader.TryReadFrameType(out _))
                reader.SkipFrame();
        });

    private static void AssertError(QuicProtocolException ex, TransportErrorCode code, ulong? frameType)
    {
        Assert.Equal(code, ex.Code);
        Assert.Equal(frameType, ex.FrameType);
    }

    public static TheoryData<byte[], ulong> TruncatedFrames => new()
    {
        { new byte[] { 0x02, 0x05, 0x00 }, 0x02 },                 // ACK missing range count/first range
        { new byte[] { 0x03, 0x05, 0x00, 0x00, 0x01, 0x01 }, 0x03 }, // ACK_ECN missing ECN counts
        { new byte[] { 0x04, 0x01, 0x02 }, 0x04 },                 // RESET_STREAM missing final size
        { new byte[] { 0x05, 0x01 }, 0x05 },
        { new byte[] { 0x06, 0x00, 0x05, 0x01 }, 0x06 },           // CRYPTO length 5, 1 byte
        { new byte[] { 0x07, 0x04, 0x01 }, 0x07 },
        { new byte[] { 0x0a, 0x01, 0x05, 0x01 }, 0x0a },           // STREAM LEN=5, 1 byte
        { new byte[] { 0x0c, 0x01 }, 0x0c },                       // STREAM OFF missing offset
        { new byte[] { 0x10 }, 0x10 },
        { new byte[] { 0x11, 0x01 }, 0x11 },
        { new byte[] { 0x12, 0x40 }, 0x12 },                       // 2-byte varint cut
        { new byte[] { 0x14 }, 0x14 },
        { new byte[] { 0x15, 0x00 }, 0x15 },
        { new byte[] { 0x17 }, 0x17 },
        { new byte[] { 0x18, 0x01, 0x00, 0x04, 0x01, 0x02 }, 0x18 }, // NEW_CONNECTION_ID CID cut
        { new byte[] { 0x18, 0x01, 0x00, 0x01, 0x01, 0x02 }, 0x18 }, // token cut
        { new byte[] { 0x19 }, 0x19 },
        { new byte[] { 0x1a, 1, 2, 3, 4, 5, 6, 7 }, 0x1a },
        { new byte[] { 0x1b, 1 }, 0x1b },
        { new byte[] { 0x1c, 0x0a, 0x08, 0x05, 0x61 }, 0x1c },     // reason cut
        { new byte[] { 0x1d, 0x0a }, 0x1d },
        { new byte[] { 0x24, 0x00, 0x00, 0x05 }, 0x24 },
        { new byte[] { 0x31, 0x05, 1, 2 }, 0x31 },
        { new byte[] { 0x40, 0xaf, 0x01, 0x02, 0x03 }, 0xaf },
    };

    [Theory]
    [MemberData(nameof(TruncatedFrames))]
    public void Truncated_ThrowsFrameEncodingErrorWithType(byte[] payload, ulong frameType) =>
        AssertError(ReadAll(payload), TransportErrorCode.FrameEncodingError, frameType);

    [Theory]
    [InlineData(new byte[] { 0x20 }, 0x20UL)]
    [InlineData(new byte[] { 0x21 }, 0x21UL)]
    [InlineData(new byte[] { 0x3f }, 0x3fUL)]
    [InlineData(new byte[] { 0x80, 0x01, 0x00, 0x00 }, 0x10000UL)]
    public void UnknownType_ThrowsFrameEncodingError(byte[] payload, ulong frameType) =>
        AssertError(ReadAll(payload), TransportErrorCode.FrameEncodingError, frameType);

    [Fact]
    public void NonMinimalType_ThrowsProtocolViolation() =>
        AssertError(ReadAll([0x40, 0x01]), TransportErrorCode.ProtocolViolation, 0x01);

    [Fact]
    public void EmptyPayload_ThrowsProtocolViolation() =>
        AssertError(ReadAll([]), TransportErrorCode.ProtocolViolation, null);

    [Fact]
    public void StreamOffsetPlusLengthBeyond2To62_ThrowsFrameEncodingError()
    {
        // OFF|LEN, stream 0, offset 2^62 - 1, length 1, one byte.
        byte[] payload = [0x0e, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0xaa];
        AssertError(ReadAll(payload), TransportErrorCode.FrameEncodingError, 0x0e);
    }

    [Fact]
    public void CryptoOffsetPlusLengthBeyond2To62_ThrowsFrameEncodingError()
    {
        byte[] payload = [0x06, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0xaa];
        AssertError(ReadAll(payload), TransportErrorCode.FrameEncodingError, 0x06);
    }

    [Theory]
    [InlineData(0x12)]
    [InlineData(0x13)]
    [InlineData(0x16)]
    [InlineData(0x17)]
    public void StreamCountAbove2To60_ThrowsFrameEncodingError(byte type)
    {
        // 2^60 + 1 as an 8-byte varint.
        byte[] payload = [type, 0xd0, 0, 0, 0, 0, 0, 0, 0x01];
        AssertError(ReadAll(payload), TransportErrorCode.FrameEncodingError, type);
    }

    [Fact]
    public void MaxStreamsExactly2To60_Accepted()
    {
        var reader = new FrameReader([0x12, 0xd0, 0, 0, 0, 0, 0, 0, 0], PacketType.OneRtt);
        Assert.True(reader.TryReadFrameType(out _));
        Assert.Equal(1UL << 60, reader.ReadMaxStreams().MaximumStreams);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(21)]
    public void NewConnectionIdBadLength_ThrowsFrameEncodingError(byte length)
    {
        byte[] payload = [0x18, 0x01, 0x00, length, .. new byte[length + 16]];
        AssertError(ReadAll(payload), TransportErrorCode.FrameEncodingError, 0x18);
    }

    [Fact]
    public void NewConnectionIdRetirePriorToAboveSequence_ThrowsFrameEncodingError()
    {
        byte[] payload = [0x18, 0x01, 0x02, 0x04, 1, 2, 3, 4, .. new byte[16]];
        AssertError(ReadAll(payload), TransportErrorCode.FrameEncodingError, 0x18);
    }

    [Fact]
    public void AckRangesDownToZero_Accepted()
    {
        var reader = new FrameReader([0x02, 0x05, 0x00, 0x01, 0x01, 0x00, 0x02], PacketType.OneRtt);
        Assert.True(reader.TryReadFrameType(out _));
        Assert.Equal(0UL, reader.ReadAck().SmallestAcknowledged);
    }

    [Fact]
    public void ResetStreamAtReliableSizeAboveFinalSize_ThrowsFrameEncodingError() =>
        AssertError(ReadAll([0x24, 0x00, 0x00, 0x05, 0x06]), TransportErrorCode.FrameEncodingError, 0x24);

    [Fact]
    public void EmptyNewToken_ThrowsFrameEncodingError() =>
        AssertError(ReadAll([0x07, 0x00]), TransportErrorCode.FrameEncodingError, 0x07);

    [Theory]
    [InlineData(new byte[] { 0x02, 0x05, 0x00, 0x00, 0x06 })]             // first range > largest
    [InlineData(new byte[] { 0x02, 0x05, 0x00, 0x01, 0x01, 0x03, 0x00 })] // gap reaches below 0
    [InlineData(new byte[] { 0x02, 0x05, 0x00, 0x01, 0x01, 0x00, 0x03 })] // range reaches below 0
    [InlineData(new byte[] { 0x02, 0x05, 0x00, 0x3f, 0x00 })]             // count larger than the bytes
    public void AckRangesBelowZero_ThrowsFrameEncodingError(byte[] payload) =>
        AssertError(ReadAll(payload), TransportErrorCode.FrameEncodingError, 0x02);

    public static TheoryData<byte[], PacketType, ulong> DisallowedFrames => new()
    {
        { new byte[] { 0x04, 0, 0, 0 }, PacketType.Initial, 0x04 },
        { new byte[] { 0x08, 0 }, PacketType.Initial, 0x08 },
        { new byte[] { 0x1d, 0, 0 }, PacketType.Handshake, 0x1d },
        { new byte[] { 0x1e }, PacketType.Handshake, 0x1e },
        { new byte[] { 0x07, 0x01, 0x01 }, PacketType.Initial, 0x07 },
        { new byte[] { 0x30 }, PacketType.Initial, 0x30 },
        { new byte[] { 0x1a, 0, 0, 0, 0, 0, 0, 0, 0 }, PacketType.Handshake, 0x1a },
        { new byte[] { 0x02, 0, 0, 0, 0 }, PacketType.ZeroRtt, 0x02 },
        { new byte[] { 0x06, 0, 0 }, PacketType.ZeroRtt, 0x06 },
        { new byte[] { 0x07, 0x01, 0x01 }, PacketType.ZeroRtt, 0x07 },
        { new byte[] { 0x1b, 0, 0, 0, 0, 0, 0, 0, 0 }, PacketType.ZeroRtt, 0x1b },
        { new byte[] { 0x1e }, PacketType.ZeroRtt, 0x1e },
        { new byte[] { 0x24, 0, 0, 0, 0 }, PacketType.Handshake, 0x24 },
        { new byte[] { 0x1f }, PacketType.Initial, 0x1f },
        { new byte[] { 0x1f }, PacketType.ZeroRtt, 0x1f },
        { new byte[] { 0x40, 0xaf, 0, 0, 0, 0 }, PacketType.ZeroRtt, 0xaf },
    };

    [Theory]
    [MemberData(nameof(DisallowedFrames))]
    public void FrameNotAllowedInPacketType_ThrowsProtocolViolation(byte[] payload, PacketType packetType, ulong frameType) =>
        AssertError(ReadAll(payload, packetType), TransportErrorCode.ProtocolViolation, frameType);

    [Theory]
    [InlineData(PacketType.Initial)]
    [InlineData(PacketType.Handshake)]
    public void InitialAndHandshake_AllowPermittedFrames(PacketType packetType)
    {
        byte[] payload = [0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x01, 0xaa, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00];
        var reader = new FrameReader(payload, packetType);
        int count = 0;
        while (reader.TryReadFrameType(out _))
        {
            reader.SkipFrame();
            count++;
        }

        Assert.Equal(5, count);
    }

    [Fact]
    public void ZeroRtt_AllowsStreamAndDatagram()
    {
        byte[] payload = [0x0a, 0x00, 0x01, 0xaa, 0x31, 0x01, 0xbb];
        var reader = new FrameReader(payload, PacketType.ZeroRtt);
        while (reader.TryReadFrameType(out _))
            reader.SkipFrame();
    }

    [Theory]
    [InlineData(FrameType.Padding, false, true, true)]
    [InlineData(FrameType.Ping, true, true, false)]
    [InlineData(FrameType.Ack, false, false, false)]
    [InlineData(FrameType.AckEcn, false, false, false)]
    [InlineData(FrameType.ConnectionClose, false, true, false)]
    [InlineData(FrameType.ConnectionCloseApplication, false, true, false)]
    [InlineData(FrameType.NewConnectionId, true, true, true)]
    [InlineData(FrameType.PathChallenge, true, true, true)]
    [InlineData(FrameType.PathResponse, true, true, true)]
    [InlineData(FrameType.Stream, true, true, false)]
    [InlineData(FrameType.Datagram, true, true, false)]
    [InlineData(FrameType.HandshakeDone, true, true, false)]
    public void Classification_MatchesTable3(FrameType type, bool ackEliciting, bool congestionControlled, bool probing)
    {
        Assert.Equal(ackEliciting, FrameTypeInfo.IsAckEliciting(type));
        Assert.Equal(congestionControlled, FrameTypeInfo.IsCongestionControlled(type));
        Assert.Equal(probing, FrameTypeInfo.IsProbing(type));
    }

    [Fact]
    public void ReadWrongMethod_IsProgrammingError()
    {
        var reader = new FrameReader([0x01], PacketType.OneRtt);
        Assert.True(reader.TryReadFrameType(out _));
        bool threw = false;
        try
        {
            reader.ReadMaxData();
        }
        catch (InvalidOperationException)
        {
            threw = true;
        }

        Assert.True(threw);
    }
}
