using MoqLive.Quic.Frames;
using MoqLive.Quic.Packets;

namespace MoqLive.Quic.Tests.Frames;

public class FrameRoundTripTests
{
    private static FrameReader SingleFrame(byte[] encoded, FrameType expected, PacketType packetType = PacketType.OneRtt)
    {
        var reader = new FrameReader(encoded, packetType);
        Assert.True(reader.TryReadFrameType(out var type));
        Assert.Equal(expected, type);
        return reader;
    }

    private static void AssertEnd(ref FrameReader reader) => Assert.False(reader.TryReadFrameType(out _));

    private static byte[] Encode(int length, SpanWriter write)
    {
        var buffer = new byte[length];
        Assert.Equal(length, write(buffer));
        return buffer;
    }

    private delegate int SpanWriter(Span<byte> destination);

    [Fact]
    public void Padding_RunIsFoldedIntoOneFrame()
    {
        var reader = SingleFrame(new byte[7], FrameType.Padding);
        Assert.Equal(7, reader.ReadPadding().Length);
        AssertEnd(ref reader);
    }

    [Fact]
    public void PingAndHandshakeDoneAndImmediateAck_RoundTrip()
    {
        var buffer = new byte[3];
        int offset = new PingFrame().Write(buffer);
        offset += new HandshakeDoneFrame().Write(buffer.AsSpan(offset));
        offset += new ImmediateAckFrame().Write(buffer.AsSpan(offset));
        Assert.Equal(3, offset);
        var reader = new FrameReader(buffer, PacketType.OneRtt);
        Assert.True(reader.TryReadFrameType(out var t1));
        Assert.Equal(FrameType.Ping, t1);
        reader.ReadPing();
        Assert.True(reader.TryReadFrameType(out var t2));
        Assert.Equal(FrameType.HandshakeDone, t2);
        reader.ReadHandshakeDone();
        Assert.True(reader.TryReadFrameType(out var t3));
        Assert.Equal(FrameType.ImmediateAck, t3);
        reader.ReadImmediateAck();
        Assert.True(reader.IsAckEliciting);
        AssertEnd(ref reader);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Ack_WithRanges_RoundTrip(bool withEcn)
    {
        AckRange[] ranges = [new(95, 100), new(80, 90), new(10, 10), new(0, 5)];
        EcnCounts? ecn = withEcn ? new EcnCounts(1, 2, 70000) : null;
        int length = AckFrame.GetEncodedLength(ranges, 1234, ecn);
        var encoded = Encode(length, d => AckFrame.Write(d, ranges, 1234, ecn));

        var reader = SingleFrame(encoded, withEcn ? FrameType.AckEcn : FrameType.Ack);
        var ack = reader.ReadAck();
        Assert.Equal(100UL, ack.LargestAcknowledged);
        Assert.Equal(1234UL, ack.AckDelay);
        Assert.Equal(1234UL << 3, ack.GetAckDelayMicroseconds(3));
        Assert.Equal(3, ack.AdditionalRangeCount);
        Assert.Equal(ecn, ack.Ecn);
        var decoded = new List<AckRange>();
        foreach (var range in ack.GetRanges())
            decoded.Add(range);
        Assert.Equal(ranges, decoded);
        Assert.Equal(0UL, ack.SmallestAcknowledged);
        Assert.False(reader.IsAckEliciting);
        AssertEnd(ref reader);
    }

    [Fact]
    public void Ack_RangeCountThatFits_KeepsNewestRanges()
    {
        AckRange[] ranges = [new(95, 100), new(80, 90), new(10, 10), new(0, 5)];
        int full = AckFrame.GetEncodedLength(ranges, 0);
        Assert.Equal(4, AckFrame.GetRangeCountThatFits(ranges, 0, null, full));
        Assert.Equal(3, AckFrame.GetRangeCountThatFits(ranges, 0, null, full - 1));
        int single = AckFrame.GetEncodedLength(ranges.AsSpan(0, 1), 0);
        Assert.Equal(1, AckFrame.GetRangeCountThatFits(ranges, 0, null, single));
        Assert.Equal(0, AckFrame.GetRangeCountThatFits(ranges, 0, null, single - 1));
    }

    [Fact]
    public void Ack_AdjacentRanges_Rejected() =>
        Assert.Throws<ArgumentException>(() => AckFrame.GetEncodedLength([new AckRange(5, 10), new AckRange(0, 4)], 0));

    [Fact]
    public void ResetStream_RoundTrip()
    {
        var frame = new ResetStreamFrame(4, 77, 1_000_000);
        var reader = SingleFrame(Encode(frame.GetEncodedLength(), frame.Write), FrameType.ResetStream);
        Assert.Equal(frame, reader.ReadResetStream());
        AssertEnd(ref reader);
    }

    [Fact]
    public void ResetStreamAt_RoundTrip()
    {
        var frame = new ResetStreamAtFrame(4, 77, 1_000_000, 999);
        var reader = SingleFrame(Encode(frame.GetEncodedLength(), frame.Write), FrameType.ResetStreamAt, PacketType.ZeroRtt);
        Assert.Equal(frame, reader.ReadResetStreamAt());
        AssertEnd(ref reader);
    }

    [Fact]
    public void ProbingOnly_TracksFrameTypes()
    {
        byte[] payload = [0x1a, 1, 2, 3, 4, 5, 6, 7, 8, 0x00, 0x00];
        var reader = new FrameReader(payload, PacketType.OneRtt);
        while (reader.TryReadFrameType(out _))
            reader.SkipFrame();
        Assert.True(reader.IsProbingOnly);
        Assert.True(reader.IsAckEliciting);

        reader = new FrameReader([0x1a, 1, 2, 3, 4, 5, 6, 7, 8, 0x01], PacketType.OneRtt);
        while (reader.TryReadFrameType(out _))
            reader.SkipFrame();
        Assert.False(reader.IsProbingOnly);
    }

    [Fact]
    public void StopSending_RoundTrip()
    {
        var frame = new StopSendingFrame(3, 0x3fff_ffff);
        var reader = SingleFrame(Encode(frame.GetEncodedLength(), frame.Write), FrameType.StopSending);
        Assert.Equal(frame, reader.ReadStopSending());
        AssertEnd(ref reader);
    }

    [Theory]
    [InlineData(PacketType.Initial)]
    [InlineData(PacketType.Handshake)]
    [InlineData(PacketType.OneRtt)]
    public void Crypto_RoundTrip(PacketType packetType)
    {
        byte[] data = [1, 2, 3, 4, 5];
        var frame = new CryptoFrame(500, data);
        var encoded = new byte[frame.GetEncodedLength()];
        Assert.Equal(encoded.Length, frame.Write(encoded));
        var reader = SingleFrame(encoded, FrameType.Crypto, packetType);
        var decoded = reader.ReadCrypto();
        Assert.Equal(500UL, decoded.Offset);
        Assert.Equal(data, decoded.Data.ToArray());
        AssertEnd(ref reader);
    }

    [Fact]
    public void NewToken_RoundTrip()
    {
        byte[] token = [9, 8, 7];
        var frame = new NewTokenFrame(token);
        var encoded = new byte[frame.GetEncodedLength()];
        frame.Write(encoded);
        var reader = SingleFrame(encoded, FrameType.NewToken);
        Assert.Equal(token, reader.ReadNewToken().Token.ToArray());
        AssertEnd(ref reader);
    }

    [Theory]
    [InlineData(0UL, false, true)]
    [InlineData(0UL, true, true)]
    [InlineData(1000UL, false, true)]
    [InlineData(1000UL, true, false)]
    [InlineData(0UL, true, false)]
    public void Stream_RoundTrip(ulong offset, bool fin, bool withLength)
    {
        byte[] data = [10, 20, 30];
        var frame = new StreamFrame(8, offset, data, fin);
        var encoded = new byte[frame.GetEncodedLength(withLength)];
        Assert.Equal(encoded.Length, frame.Write(encoded, withLength));
        var reader = new FrameReader(encoded, PacketType.OneRtt);
        Assert.True(reader.TryReadFrameType(out var type));
        Assert.True(FrameTypeInfo.IsStream(type));
        Assert.Equal((byte)(0x08 | (offset != 0 ? 4 : 0) | (withLength ? 2 : 0) | (fin ? 1 : 0)), (byte)type);
        var decoded = reader.ReadStream();
        Assert.Equal(8UL, decoded.StreamId);
        Assert.Equal(offset, decoded.Offset);
        Assert.Equal(fin, decoded.Fin);
        Assert.Equal(data, decoded.Data.ToArray());
        AssertEnd(ref reader);
    }

    [Fact]
    public void Stream_Fit_AllPendingFits_KeepsLength()
    {
        int n = StreamFrame.Fit(4, 100, 1000, 50, out bool withLength);
        Assert.Equal(50, n);
        Assert.True(withLength);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(70)]
    [InlineData(1200)]
    [InlineData(20000)]
    public void Stream_Fit_TooMuchPending_FillsPacketExactly(int available)
    {
        int n = StreamFrame.Fit(4, 100, available, 100_000, out bool withLength);
        Assert.False(withLength);
        Assert.Equal(available, StreamFrame.GetHeaderLength(4, 100, n, withLength) + n);
    }

    [Fact]
    public void Stream_Fit_HeaderDoesNotFit_ReturnsMinusOne() =>
        Assert.Equal(-1, StreamFrame.Fit(4, 100_000, 3, 10, out _));

    [Theory]
    [InlineData(3)]
    [InlineData(66)]
    [InlineData(67)]
    [InlineData(1200)]
    [InlineData(16390)]
    public void Crypto_MaxDataLength_IsTight(int available)
    {
        int n = CryptoFrame.GetMaxDataLength(0, available);
        Assert.True(CryptoFrame.GetHeaderLength(0, n) + n <= available);
        Assert.True(CryptoFrame.GetHeaderLength(0, n + 1) + n + 1 > available);
    }

    [Fact]
    public void Crypto_MaxDataLength_NoRoomForLength_ReturnsMinusOne() =>
        Assert.Equal(-1, CryptoFrame.GetMaxDataLength(0, 2));

    [Fact]
    public void MaxDataAndDataBlocked_RoundTrip()
    {
        var max = new MaxDataFrame(1UL << 40);
        var reader = SingleFrame(Encode(max.GetEncodedLength(), max.Write), FrameType.MaxData);
        Assert.Equal(max, reader.ReadMaxData());
        var blocked = new DataBlockedFrame(12345);
        reader = SingleFrame(Encode(blocked.GetEncodedLength(), blocked.Write), FrameType.DataBlocked);
        Assert.Equal(blocked, reader.ReadDataBlocked());
    }

    [Fact]
    public void MaxStreamDataAndStreamDataBlocked_RoundTrip()
    {
        var max = new MaxStreamDataFrame(7, 65536);
        var reader = SingleFrame(Encode(max.GetEncodedLength(), max.Write), FrameType.MaxStreamData);
        Assert.Equal(max, reader.ReadMaxStreamData());
        var blocked = new StreamDataBlockedFrame(7, 65536);
        reader = SingleFrame(Encode(blocked.GetEncodedLength(), blocked.Write), FrameType.StreamDataBlocked);
        Assert.Equal(blocked, reader.ReadStreamDataBlocked());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MaxStreamsAndStreamsBlocked_RoundTrip(bool bidi)
    {
        var max = new MaxStreamsFrame(bidi, 1UL << 60);
        var reader = SingleFrame(Encode(max.GetEncodedLength(), max.Write), bidi ? FrameType.MaxStreamsBidi : FrameType.MaxStreamsUni);
        Assert.Equal(max, reader.ReadMaxStreams());
        var blocked = new StreamsBlockedFrame(bidi, 100);
        reader = SingleFrame(Encode(blocked.GetEncodedLength(), blocked.Write), bidi ? FrameType.StreamsBlockedBidi : FrameType.StreamsBlockedUni);
        Assert.Equal(blocked, reader.ReadStreamsBlocked());
    }

    [Fact]
    public void NewConnectionId_RoundTrip()
    {
        var frame = new NewConnectionIdFrame(5, 2, new ConnectionId([1, 2, 3, 4, 5, 6, 7, 8]),
            new StatelessResetToken(Enumerable.Range(0, 16).Select(i => (byte)i).ToArray()));
        var reader = SingleFrame(Encode(frame.GetEncodedLength(), frame.Write), FrameType.NewConnectionId);
        Assert.Equal(frame, reader.ReadNewConnectionId());
        AssertEnd(ref reader);
    }

    [Fact]
    public void RetireConnectionId_RoundTrip()
    {
        var frame = new RetireConnectionIdFrame(42);
        var reader = SingleFrame(Encode(frame.GetEncodedLength(), frame.Write), FrameType.RetireConnectionId);
        Assert.Equal(frame, reader.ReadRetireConnectionId());
    }

    [Fact]
    public void PathChallengeAndResponse_RoundTrip()
    {
        var challenge = new PathChallengeFrame(0x0102030405060708);
        var reader = SingleFrame(Encode(challenge.GetEncodedLength(), challenge.Write), FrameType.PathChallenge);
        Assert.Equal(challenge, reader.ReadPathChallenge());
        var response = new PathResponseFrame(0x0102030405060708);
        reader = SingleFrame(Encode(response.GetEncodedLength(), response.Write), FrameType.PathResponse);
        Assert.Equal(response, reader.ReadPathResponse());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ConnectionClose_RoundTrip(bool application)
    {
        byte[] reason = "bye"u8.ToArray();
        var frame = new ConnectionCloseFrame(application, 0x0a, 0x08, reason);
        var encoded = new byte[frame.GetEncodedLength()];
        frame.Write(encoded);
        var reader = SingleFrame(encoded, application ? FrameType.ConnectionCloseApplication : FrameType.ConnectionClose);
        var decoded = reader.ReadConnectionClose();
        Assert.Equal(application, decoded.IsApplication);
        Assert.Equal(0x0aUL, decoded.ErrorCode);
        Assert.Equal(application ? 0UL : 0x08UL, decoded.TriggeringFrameType);
        Assert.Equal(reason, decoded.ReasonPhrase.ToArray());
        Assert.False(reader.IsAckEliciting);
    }

    [Fact]
    public void ConnectionClose_ApplicationCloseInHandshakePacket_BecomesApplicationError()
    {
        var close = new ConnectionCloseFrame(true, 0x42, 0, "secret"u8).ForHandshakePacket();
        Assert.False(close.IsApplication);
        Assert.Equal((ulong)TransportErrorCode.ApplicationError, close.ErrorCode);
        Assert.True(close.ReasonPhrase.IsEmpty);
        var transport = new ConnectionCloseFrame(false, 0x0a, 0x08, "why"u8).ForHandshakePacket();
        Assert.Equal(0x0aUL, transport.ErrorCode);
        Assert.Equal(3, transport.ReasonPhrase.Length);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(70)]
    [InlineData(1000)]
    public void ConnectionClose_MaxReasonLength_FillsAvailable(int available)
    {
        var reason = new byte[5000];
        var close = new ConnectionCloseFrame(false, 0x0a, 0x1234, default);
        int max = close.GetMaxReasonLength(available);
        Assert.True(max >= 0);
        var fitted = new ConnectionCloseFrame(false, 0x0a, 0x1234, reason.AsSpan(0, max));
        Assert.True(fitted.GetEncodedLength() <= available);
        Assert.True(new ConnectionCloseFrame(false, 0x0a, 0x1234, reason.AsSpan(0, max + 1)).GetEncodedLength() > available);
        Assert.Equal(-1, close.GetMaxReasonLength(4));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Datagram_RoundTrip(bool withLength)
    {
        byte[] data = [1, 1, 2, 3, 5, 8];
        var frame = new DatagramFrame(data);
        var encoded = new byte[frame.GetEncodedLength(withLength)];
        frame.Write(encoded, withLength);
        var reader = SingleFrame(encoded, withLength ? FrameType.DatagramWithLength : FrameType.Datagram);
        Assert.Equal(data, reader.ReadDatagram().Data.ToArray());
        AssertEnd(ref reader);
    }

    [Fact]
    public void AckFrequency_RoundTrip()
    {
        var frame = new AckFrequencyFrame(1, 10, 25_000, 3);
        var reader = SingleFrame(Encode(frame.GetEncodedLength(), frame.Write), FrameType.AckFrequency);
        Assert.Equal(frame, reader.ReadAckFrequency());
    }
}
