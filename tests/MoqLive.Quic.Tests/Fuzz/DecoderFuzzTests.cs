using MoqLive.Quic.Frames;
using MoqLive.Quic.Packets;
using MoqLive.Quic.TransportParameters;

namespace MoqLive.Quic.Tests.Fuzz;

/// <summary>
/// Seeded fuzzing of every decoder on random and mutated valid encodings: the only failure allowed is
/// <see cref="QuicProtocolException"/> (frames, transport parameters) or a false return (packet headers).
/// </summary>
public class DecoderFuzzTests
{
    private const int Iterations = 120_000;

    private static readonly PacketType[] LongPacketTypes = [PacketType.Initial, PacketType.ZeroRtt, PacketType.Handshake];

    [Fact]
    public void FrameReader_RandomAndMutatedPayloads_OnlyProtocolErrors()
    {
        var random = new Random(20261124);
        var corpus = FrameCorpus();
        int protocolErrors = 0;
        int clean = 0;
        for (int i = 0; i < Iterations; i++)
        {
            byte[] input = i % 10 == 0 ? RandomBytes(random, random.Next(0, 64)) : Mutate(random, corpus[random.Next(corpus.Count)]);
            // Every input goes through 1-RTT (all frames allowed, deepest decoding) and one long-header packet type.
            foreach (var packetType in new[] { PacketType.OneRtt, LongPacketTypes[i % LongPacketTypes.Length] })
            {
                try
                {
                    DecodeAllFrames(input, packetType);
                    clean++;
                }
                catch (QuicProtocolException ex)
                {
                    Assert.True(ex.Code is TransportErrorCode.FrameEncodingError or TransportErrorCode.ProtocolViolation, ex.Message);
                    protocolErrors++;
                }
            }
        }

        // Both outcomes must be common, or the mutations are not reaching the decoders.
        Assert.True(clean > Iterations / 10, $"clean {clean}");
        Assert.True(protocolErrors > Iterations / 10, $"errors {protocolErrors}");
    }

    [Fact]
    public void PacketHeaders_RandomAndMutatedDatagrams_NeverThrow()
    {
        var random = new Random(424242);
        var corpus = PacketCorpus();
        int parsed = 0;
        for (int i = 0; i < Iterations; i++)
        {
            byte[] input = i % 10 == 0 ? RandomBytes(random, random.Next(0, 80)) : Mutate(random, corpus[random.Next(corpus.Count)]);
            int cidLength = random.Next(0, 21);
            if (PacketHeader.TryParse(input, cidLength, out var header))
            {
                parsed++;
                Assert.InRange(header.PacketLength, 1, input.Length);
                Assert.InRange(header.PacketNumberOffset, 1, header.PacketLength);
                _ = header.GetToken(input);
            }

            var coalesced = new CoalescedPacketReader(input, cidLength);
            int total = 0;
            while (coalesced.TryReadNext(out var h, out var packet))
            {
                Assert.Equal(h.PacketLength, packet.Length);
                total += packet.Length;
                if (h.HasPacketNumber && h.PacketNumberOffset < packet.Length)
                {
                    int pnLength = Math.Min(PacketHeader.GetPacketNumberLength(h.FirstByte), packet.Length - h.PacketNumberOffset);
                    _ = PacketNumber.Decode(random.Next(2) == 0 ? null : (ulong)random.NextInt64(), PacketNumber.ReadTruncated(packet[h.PacketNumberOffset..], pnLength), pnLength);
                }
            }

            Assert.True(total <= input.Length);
            PacketInvariants.TryGetDestinationConnectionId(input, cidLength, out _);
            VersionNegotiationPacket.TryParse(input, out _, out _, out _);
            VersionNegotiationPacket.TryWriteResponse(input, QuicVersion.Supported, 0x40, new byte[600], out _);
            StatelessReset.TryGetToken(input, out _);
        }

        Assert.True(parsed > Iterations / 10, $"parsed {parsed}");
    }

    [Fact]
    public void TransportParameters_RandomAndMutated_OnlyTransportParameterErrors()
    {
        var random = new Random(7);
        var corpus = new List<byte[]>
        {
            TransportParametersCodec.Encode(new QuicTransportParameters
            {
                OriginalDestinationConnectionId = new ConnectionId([1, 2, 3, 4]),
                MaxIdleTimeoutMilliseconds = 30_000,
                StatelessResetToken = new StatelessResetToken(new byte[16]),
                InitialMaxData = 1 << 20,
                InitialMaxStreamsBidi = 100,
                PreferredAddress = new PreferredAddress(null, null, new ConnectionId([5]), new StatelessResetToken(new byte[16])),
                InitialSourceConnectionId = new ConnectionId([7, 7]),
                MaxDatagramFrameSize = 1200,
                MinAckDelayMicroseconds = 1000,
            }),
            TransportParametersCodec.Encode(new QuicTransportParameters { InitialMaxStreamDataUni = 5, DisableActiveMigration = true }),
        };
        int decoded = 0;
        for (int i = 0; i < Iterations / 4; i++)
        {
            byte[] input = i % 10 == 0 ? RandomBytes(random, random.Next(0, 40)) : Mutate(random, corpus[random.Next(corpus.Count)]);
            try
            {
                TransportParametersCodec.Decode(input, sentByServer: random.Next(2) == 0);
                decoded++;
            }
            catch (QuicProtocolException ex)
            {
                Assert.Equal(TransportErrorCode.TransportParameterError, ex.Code);
            }
        }

        Assert.True(decoded > 0);
    }

    [Fact]
    public void RandomFrames_EncodeDecode_RoundTrip()
    {
        var random = new Random(99);
        var buffer = new byte[4096];
        for (int i = 0; i < 20_000; i++)
        {
            ulong streamId = RandomVarInt(random);
            ulong offset = RandomVarInt(random) >> 1;
            var data = RandomBytes(random, random.Next(0, 300));
            bool fin = random.Next(2) == 0;
            bool withLength = random.Next(2) == 0;
            var stream = new StreamFrame(streamId, offset, data, fin);
            int n = stream.Write(buffer, withLength);
            Assert.Equal(stream.GetEncodedLength(withLength), n);
            var reader = new FrameReader(buffer.AsSpan(0, n), PacketType.OneRtt);
            Assert.True(reader.TryReadFrameType(out _));
            var decoded = reader.ReadStream();
            Assert.Equal(streamId, decoded.StreamId);
            Assert.Equal(offset, decoded.Offset);
            Assert.Equal(fin, decoded.Fin);
            Assert.True(data.AsSpan().SequenceEqual(decoded.Data));

            var ranges = RandomAckRanges(random);
            ulong delay = RandomVarInt(random);
            EcnCounts? ecn = random.Next(2) == 0 ? null : new EcnCounts(RandomVarInt(random), RandomVarInt(random), RandomVarInt(random));
            n = AckFrame.Write(buffer, ranges, delay, ecn);
            Assert.Equal(AckFrame.GetEncodedLength(ranges, delay, ecn), n);
            reader = new FrameReader(buffer.AsSpan(0, n), PacketType.Handshake);
            Assert.True(reader.TryReadFrameType(out _));
            var ack = reader.ReadAck();
            Assert.Equal(delay, ack.AckDelay);
            Assert.Equal(ecn, ack.Ecn);
            int index = 0;
            foreach (var range in ack.GetRanges())
                Assert.Equal(ranges[index++], range);
            Assert.Equal(ranges.Length, index);
        }
    }

    private static void DecodeAllFrames(byte[] payload, PacketType packetType)
    {
        var reader = new FrameReader(payload, packetType);
        while (reader.TryReadFrameType(out var type))
        {
            if (type is FrameType.Ack or FrameType.AckEcn)
            {
                var ack = reader.ReadAck();
                ulong previousSmallest = ack.LargestAcknowledged + 1;
                int count = 0;
                foreach (var range in ack.GetRanges())
                {
                    Assert.True(range.Smallest <= range.Largest);
                    Assert.True(range.Largest < previousSmallest);
                    previousSmallest = range.Smallest;
                    count++;
                }

                Assert.Equal(ack.AdditionalRangeCount + 1, count);
            }
            else
            {
                reader.SkipFrame();
            }

            Assert.InRange(reader.Position, 1, payload.Length);
        }
    }

    private static List<byte[]> FrameCorpus()
    {
        var frames = new List<byte[]>();
        void Add(int length, Func<byte[], int> write)
        {
            var buffer = new byte[length];
            Assert.Equal(length, write(buffer));
            frames.Add(buffer);
        }

        byte[] data = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        AckRange[] ranges = [new(100, 200), new(50, 90), new(3, 3), new(0, 1)];
        Add(3, b => new PaddingFrame(3).Write(b));
        Add(1, b => new PingFrame().Write(b));
        Add(AckFrame.GetEncodedLength(ranges, 300), b => AckFrame.Write(b, ranges, 300));
        Add(AckFrame.GetEncodedLength(ranges, 3, new EcnCounts(1, 2, 3)), b => AckFrame.Write(b, ranges, 3, new EcnCounts(1, 2, 3)));
        Add(new ResetStreamFrame(4, 5, 6000).GetEncodedLength(), b => new ResetStreamFrame(4, 5, 6000).Write(b));
        Add(new ResetStreamAtFrame(4, 5, 6000, 100).GetEncodedLength(), b => new ResetStreamAtFrame(4, 5, 6000, 100).Write(b));
        Add(new StopSendingFrame(4, 5).GetEncodedLength(), b => new StopSendingFrame(4, 5).Write(b));
        Add(new CryptoFrame(1000, data).GetEncodedLength(), b => new CryptoFrame(1000, data).Write(b));
        Add(new NewTokenFrame(data).GetEncodedLength(), b => new NewTokenFrame(data).Write(b));
        Add(new StreamFrame(4, 70000, data, true).GetEncodedLength(), b => new StreamFrame(4, 70000, data, true).Write(b));
        Add(new StreamFrame(4, 0, data, false).GetEncodedLength(false), b => new StreamFrame(4, 0, data, false).Write(b, false));
        Add(new MaxDataFrame(1 << 30).GetEncodedLength(), b => new MaxDataFrame(1 << 30).Write(b));
        Add(new MaxStreamDataFrame(8, 99).GetEncodedLength(), b => new MaxStreamDataFrame(8, 99).Write(b));
        Add(new MaxStreamsFrame(true, 1UL << 60).GetEncodedLength(), b => new MaxStreamsFrame(true, 1UL << 60).Write(b));
        Add(new MaxStreamsFrame(false, 7).GetEncodedLength(), b => new MaxStreamsFrame(false, 7).Write(b));
        Add(new DataBlockedFrame(77).GetEncodedLength(), b => new DataBlockedFrame(77).Write(b));
        Add(new StreamDataBlockedFrame(1, 77).GetEncodedLength(), b => new StreamDataBlockedFrame(1, 77).Write(b));
        Add(new StreamsBlockedFrame(true, 3).GetEncodedLength(), b => new StreamsBlockedFrame(true, 3).Write(b));
        Add(new StreamsBlockedFrame(false, 3).GetEncodedLength(), b => new StreamsBlockedFrame(false, 3).Write(b));
        var ncid = new NewConnectionIdFrame(3, 1, new ConnectionId([1, 2, 3, 4, 5, 6, 7, 8]), new StatelessResetToken(new byte[16]));
        Add(ncid.GetEncodedLength(), b => ncid.Write(b));
        Add(new RetireConnectionIdFrame(2).GetEncodedLength(), b => new RetireConnectionIdFrame(2).Write(b));
        Add(9, b => new PathChallengeFrame(12345).Write(b));
        Add(9, b => new PathResponseFrame(12345).Write(b));
        Add(new ConnectionCloseFrame(false, 7, 8, data).GetEncodedLength(), b => new ConnectionCloseFrame(false, 7, 8, data).Write(b));
        Add(new ConnectionCloseFrame(true, 7, 0, data).GetEncodedLength(), b => new ConnectionCloseFrame(true, 7, 0, data).Write(b));
        Add(1, b => new HandshakeDoneFrame().Write(b));
        Add(1, b => new ImmediateAckFrame().Write(b));
        Add(new DatagramFrame(data).GetEncodedLength(), b => new DatagramFrame(data).Write(b));
        Add(new DatagramFrame(data).GetEncodedLength(false), b => new DatagramFrame(data).Write(b, false));
        var ackFrequency = new AckFrequencyFrame(1, 2, 25_000, 3);
        Add(ackFrequency.GetEncodedLength(), b => ackFrequency.Write(b));

        // Multi-frame payloads too, so mutations hit frame boundaries.
        var corpus = new List<byte[]>(frames);
        var random = new Random(5);
        for (int i = 0; i < 200; i++)
        {
            int count = random.Next(2, 6);
            var payload = new List<byte>();
            for (int j = 0; j < count; j++)
                payload.AddRange(frames[random.Next(frames.Count)]);
            corpus.Add([.. payload]);
        }

        return corpus;
    }

    private static List<byte[]> PacketCorpus()
    {
        var dcid = new ConnectionId([1, 2, 3, 4, 5, 6, 7, 8]);
        var scid = new ConnectionId([9, 10, 11]);
        var corpus = new List<byte[]>();
        foreach (var type in new[] { PacketType.Initial, PacketType.ZeroRtt, PacketType.Handshake })
        {
            byte[] token = type == PacketType.Initial ? [1, 2, 3] : [];
            var packet = new byte[PacketHeaderWriter.GetLongHeaderLength(type, dcid, scid, token.Length, 2) + 30];
            var layout = PacketHeaderWriter.WriteLongHeader(packet, type, QuicVersion.Version1, dcid, scid, token, 300, 2);
            PacketHeaderWriter.FinishLength(packet, layout, 30);
            corpus.Add(packet);
        }

        var shortPacket = new byte[40];
        PacketHeaderWriter.WriteShortHeader(shortPacket, dcid, 5, 1, true);
        corpus.Add(shortPacket);
        corpus.Add([.. corpus[0], .. corpus[2], .. shortPacket]);
        var retry = new byte[RetryPacket.GetLength(dcid, scid, 5)];
        RetryPacket.WriteWithoutTag(retry, QuicVersion.Version1, dcid, scid, [1, 2, 3, 4, 5], 0);
        corpus.Add(retry);
        var vn = new byte[VersionNegotiationPacket.GetLength(8, 3, 2)];
        VersionNegotiationPacket.Write(vn, dcid.Span, scid.Span, [1u, 0x0a0a0a0au], 0x40);
        corpus.Add(vn);
        var reset = new byte[43];
        StatelessReset.Write(reset, new StatelessResetToken(new byte[16]), b => b.Fill(0x33));
        corpus.Add(reset);
        return corpus;
    }

    private static byte[] Mutate(Random random, byte[] source)
    {
        var bytes = new List<byte>(source);
        int mutations = random.Next(1, 4);
        for (int m = 0; m < mutations; m++)
        {
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0: // bit flip
                    int index = random.Next(bytes.Count);
                    bytes[index] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0: // truncate
                    int start = random.Next(bytes.Count);
                    bytes.RemoveRange(start, bytes.Count - start);
                    break;
                case 2: // insert random bytes
                    int at = random.Next(bytes.Count + 1);
                    bytes.InsertRange(at, RandomBytes(random, random.Next(1, 5)));
                    break;
                case 3 when bytes.Count > 0: // interesting value
                    byte[] interesting = [0x00, 0xff, 0x3f, 0x40, 0x7f, 0x80, 0xbf, 0xc0, 0x14, 0x15];
                    bytes[random.Next(bytes.Count)] = interesting[random.Next(interesting.Length)];
                    break;
                case 4 when bytes.Count > 0: // delete one byte
                    bytes.RemoveAt(random.Next(bytes.Count));
                    break;
                default: // append a tail
                    bytes.AddRange(RandomBytes(random, random.Next(1, 8)));
                    break;
            }
        }

        return [.. bytes];
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static ulong RandomVarInt(Random random) => random.Next(4) switch
    {
        0 => (ulong)random.Next(0, 64),
        1 => (ulong)random.Next(0, 16384),
        2 => (ulong)random.Next(0, 1 << 30),
        _ => (ulong)random.NextInt64(0, long.MaxValue) >> 1,
    };

    private static AckRange[] RandomAckRanges(Random random)
    {
        int count = random.Next(1, 10);
        var ranges = new List<AckRange>();
        ulong largest = RandomVarInt(random) >> 2;
        for (int i = 0; i < count; i++)
        {
            ulong length = (ulong)random.Next(0, 100);
            if (length > largest)
                length = largest;
            ranges.Add(new AckRange(largest - length, largest));
            ulong smallest = largest - length;
            ulong gap = (ulong)random.Next(0, 1000);
            if (smallest < gap + 2)
                break;
            largest = smallest - gap - 2;
        }

        return [.. ranges];
    }
}
