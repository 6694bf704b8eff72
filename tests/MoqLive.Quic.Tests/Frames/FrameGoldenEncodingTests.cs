using MoqLive.Quic.Frames;
using MoqLive.Quic.Packets;
using MoqLive.Quic.TransportParameters;

namespace MoqLive.Quic.Tests.Frames;

/// <summary>
/// Hand-computed wire bytes (RFC 9000 §19, RFC 9221, drafts) so a mistake made symmetrically in the encoder and the
/// decoder cannot hide behind a round trip.
/// </summary>
public class FrameGoldenEncodingTests
{
    private delegate int SpanWriter(Span<byte> destination);

    private static void AssertEncodes(string hex, int encodedLength, SpanWriter write)
    {
        var expected = Convert.FromHexString(hex);
        Assert.Equal(expected.Length, encodedLength);
        var buffer = new byte[encodedLength];
        Assert.Equal(encodedLength, write(buffer));
        Assert.Equal(expected, buffer);

        // The decoder consumes exactly these bytes as one frame.
        var reader = new FrameReader(expected, PacketType.OneRtt);
        Assert.True(reader.TryReadFrameType(out _));
        reader.SkipFrame();
        Assert.Equal(expected.Length, reader.Position);
    }

    [Fact]
    public void ControlFrames_MatchHandComputedBytes()
    {
        AssertEncodes("01", 1, d => new PingFrame().Write(d));
        AssertEncodes("0404410543e8", new ResetStreamFrame(4, 0x105, 1000).GetEncodedLength(), d => new ResetStreamFrame(4, 0x105, 1000).Write(d));
        AssertEncodes("050200", new StopSendingFrame(2, 0).GetEncodedLength(), d => new StopSendingFrame(2, 0).Write(d));
        AssertEncodes("1080004000", new MaxDataFrame(16384).GetEncodedLength(), d => new MaxDataFrame(16384).Write(d));
        AssertEncodes("11013f", new MaxStreamDataFrame(1, 63).GetEncodedLength(), d => new MaxStreamDataFrame(1, 63).Write(d));
        AssertEncodes("12d000000000000000", new MaxStreamsFrame(true, 1UL << 60).GetEncodedLength(), d => new MaxStreamsFrame(true, 1UL << 60).Write(d));
        AssertEncodes("1301", new MaxStreamsFrame(false, 1).GetEncodedLength(), d => new MaxStreamsFrame(false, 1).Write(d));
        AssertEncodes("1400", new DataBlockedFrame(0).GetEncodedLength(), d => new DataBlockedFrame(0).Write(d));
        AssertEncodes("150307", new StreamDataBlockedFrame(3, 7).GetEncodedLength(), d => new StreamDataBlockedFrame(3, 7).Write(d));
        AssertEncodes("1705", new StreamsBlockedFrame(false, 5).GetEncodedLength(), d => new StreamsBlockedFrame(false, 5).Write(d));
        AssertEncodes("1901", new RetireConnectionIdFrame(1).GetEncodedLength(), d => new RetireConnectionIdFrame(1).Write(d));
        AssertEncodes("1a0102030405060708", 9, d => new PathChallengeFrame(0x0102030405060708).Write(d));
        AssertEncodes("1b0102030405060708", 9, d => new PathResponseFrame(0x0102030405060708).Write(d));
        AssertEncodes("1e", 1, d => new HandshakeDoneFrame().Write(d));
        AssertEncodes("1f", 1, d => new ImmediateAckFrame().Write(d));
        AssertEncodes("2400010a05", new ResetStreamAtFrame(0, 1, 10, 5).GetEncodedLength(), d => new ResetStreamAtFrame(0, 1, 10, 5).Write(d));
        var ackFrequency = new AckFrequencyFrame(0, 1, 25_000, 1);
        AssertEncodes("40af0001800061a801", ackFrequency.GetEncodedLength(), d => ackFrequency.Write(d));
        var token = new StatelessResetToken(Convert.FromHexString("000102030405060708090a0b0c0d0e0f"));
        var ncid = new NewConnectionIdFrame(1, 0, new ConnectionId([1, 2]), token);
        AssertEncodes("180100020102" + "000102030405060708090a0b0c0d0e0f", ncid.GetEncodedLength(), d => ncid.Write(d));
    }

    [Fact]
    public void Ack_MatchesHandComputedBytes()
    {
        // Largest 100 (2-byte varint), delay 10, one more range; first range 100-95 = 5; gap 95-90-2 = 3; length 10.
        AckRange[] ranges = [new(95, 100), new(80, 90)];
        AssertEncodes("0240640a0105030a", AckFrame.GetEncodedLength(ranges, 10), d => AckFrame.Write(d, ranges, 10));
        AckRange[] single = [new(0, 0)];
        var ecn = new EcnCounts(1, 2, 3);
        AssertEncodes("0300000000010203", AckFrame.GetEncodedLength(single, 0, ecn), d => AckFrame.Write(d, single, 0, ecn));
    }

    [Fact]
    public void PayloadFrames_MatchHandComputedBytes()
    {
        byte[] aa = [0xaa];
        AssertEncodes("060002aabb", new CryptoFrame(0, [0xaa, 0xbb]).GetEncodedLength(), d => new CryptoFrame(0, [0xaa, 0xbb]).Write(d));
        AssertEncodes("07020102", new NewTokenFrame([1, 2]).GetEncodedLength(), d => new NewTokenFrame([1, 2]).Write(d));
        // STREAM type bits: OFF 0x04, LEN 0x02, FIN 0x01.
        AssertEncodes("0b0401aa", new StreamFrame(4, 0, aa, true).GetEncodedLength(), d => new StreamFrame(4, 0, aa, true).Write(d));
        AssertEncodes("0e04404001aa", new StreamFrame(4, 64, aa, false).GetEncodedLength(), d => new StreamFrame(4, 64, aa, false).Write(d));
        AssertEncodes("0801aa", new StreamFrame(1, 0, aa, false).GetEncodedLength(false), d => new StreamFrame(1, 0, aa, false).Write(d, false));
        AssertEncodes("1c0a080178", new ConnectionCloseFrame(false, 0x0a, 0x08, "x"u8).GetEncodedLength(), d => new ConnectionCloseFrame(false, 0x0a, 0x08, "x"u8).Write(d));
        AssertEncodes("1d410000", new ConnectionCloseFrame(true, 0x100, 0, default).GetEncodedLength(), d => new ConnectionCloseFrame(true, 0x100, 0, default).Write(d));
        AssertEncodes("3101aa", new DatagramFrame(aa).GetEncodedLength(), d => new DatagramFrame(aa).Write(d));
        AssertEncodes("30aa", new DatagramFrame(aa).GetEncodedLength(false), d => new DatagramFrame(aa).Write(d, false));
    }

    [Fact]
    public void TransportParameters_MatchHandComputedBytes()
    {
        var parameters = new QuicTransportParameters
        {
            InitialMaxData = 0x20,
            DisableActiveMigration = true,
            InitialSourceConnectionId = new ConnectionId([0xaa]),
            MaxDatagramFrameSize = 1200,
            MinAckDelayMicroseconds = 1000,
        };
        // initial_max_data, disable_active_migration, initial_source_connection_id, max_datagram_frame_size,
        // min_ack_delay (ID 0xff04de1b needs an 8-byte varint).
        Assert.Equal(
            Convert.FromHexString("040120" + "0c00" + "0f01aa" + "200244b0" + "c0000000ff04de1b" + "0243e8"),
            TransportParametersCodec.Encode(parameters));
    }
}
