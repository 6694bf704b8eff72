using MoqLive.Quic.Frames;
using MoqLive.Quic.Packets;

namespace MoqLive.Quic.Tests.Frames;

/// <summary>Seeded property tests for the "how much fits" helpers used by packetization, and the no-allocation decode path.</summary>
public class FramePackingPropertyTests
{
    [Fact]
    public void StreamFit_NeverOverflowsAndFillsWhenTruncating()
    {
        var random = new Random(11);
        for (int i = 0; i < 50_000; i++)
        {
            ulong streamId = (ulong)random.NextInt64(0, 1L << random.Next(1, 62));
            ulong offset = random.Next(3) == 0 ? 0 : (ulong)random.NextInt64(0, 1L << random.Next(1, 60));
            int available = random.Next(0, 20_000);
            int pending = random.Next(0, 40_000);
            int n = StreamFrame.Fit(streamId, offset, available, pending, out bool withLength);
            if (n < 0)
            {
                Assert.True(StreamFrame.GetHeaderLength(streamId, offset, 0, false) > available);
                continue;
            }

            Assert.InRange(n, 0, pending);
            int total = StreamFrame.GetHeaderLength(streamId, offset, n, withLength) + n;
            Assert.True(total <= available, $"{total} > {available}");
            if (!withLength)
                Assert.Equal(available, total); // a frame without Length must fill the packet
            else
                Assert.Equal(pending, n);       // with Length only when everything fits
        }
    }

    [Fact]
    public void CryptoAndDatagramMaxDataLength_AreTight()
    {
        var random = new Random(12);
        for (int i = 0; i < 50_000; i++)
        {
            int available = random.Next(0, 70_000);
            ulong offset = (ulong)random.NextInt64(0, 1L << random.Next(1, 60));
            int crypto = CryptoFrame.GetMaxDataLength(offset, available);
            if (crypto >= 0)
            {
                Assert.True(CryptoFrame.GetHeaderLength(offset, crypto) + crypto <= available);
                Assert.True(CryptoFrame.GetHeaderLength(offset, crypto + 1) + crypto + 1 > available);
            }
            else
            {
                Assert.True(CryptoFrame.GetHeaderLength(offset, 0) > available);
            }

            foreach (bool withLength in new[] { true, false })
            {
                int datagram = DatagramFrame.GetMaxDataLength(available, withLength);
                if (datagram < 0)
                {
                    Assert.True(DatagramFrame.GetHeaderLength(0, withLength) > available);
                    continue;
                }

                Assert.True(DatagramFrame.GetHeaderLength(datagram, withLength) + datagram <= available);
                Assert.True(DatagramFrame.GetHeaderLength(datagram + 1, withLength) + datagram + 1 > available);
            }
        }
    }

    [Fact]
    public void AckRangeCountThatFits_IsMaximal()
    {
        var random = new Random(13);
        for (int i = 0; i < 20_000; i++)
        {
            var ranges = new List<AckRange>();
            ulong largest = (ulong)random.NextInt64(1000, 1L << 40);
            for (int r = random.Next(1, 40); r > 0 && largest > 2; r--)
            {
                ulong smallest = largest - (ulong)random.NextInt64(0, (long)Math.Min(largest, 1UL << random.Next(1, 20)));
                ranges.Add(new AckRange(smallest, largest));
                ulong gap = (ulong)random.NextInt64(0, 1 << random.Next(1, 20));
                if (smallest < gap + 2)
                    break;
                largest = smallest - gap - 2;
            }

            AckRange[] all = [.. ranges];
            ulong delay = (ulong)random.Next(0, 100_000);
            EcnCounts? ecn = random.Next(2) == 0 ? null : new EcnCounts(1, 2, 3);
            int available = random.Next(0, 200);
            int n = AckFrame.GetRangeCountThatFits(all, delay, ecn, available);
            if (n == 0)
            {
                Assert.True(AckFrame.GetEncodedLength(all.AsSpan(0, 1), delay, ecn) > available);
                continue;
            }

            Assert.True(AckFrame.GetEncodedLength(all.AsSpan(0, n), delay, ecn) <= available);
            if (n < all.Length)
                Assert.True(AckFrame.GetEncodedLength(all.AsSpan(0, n + 1), delay, ecn) > available);
        }
    }

    [Fact]
    public void FrameReader_DecodingMixedPayload_DoesNotAllocate()
    {
        var payload = new byte[600];
        int pos = AckFrame.Write(payload, [new AckRange(90, 100), new AckRange(10, 80)], 10);
        pos += new StreamFrame(4, 1000, new byte[200], fin: false).Write(payload.AsSpan(pos));
        pos += new NewConnectionIdFrame(1, 0, new ConnectionId([1, 2, 3, 4]), new StatelessResetToken(new byte[16])).Write(payload.AsSpan(pos));
        pos += new MaxStreamDataFrame(4, 1 << 20).Write(payload.AsSpan(pos));
        pos += new DatagramFrame(new byte[100]).Write(payload.AsSpan(pos));
        pos += new StreamFrame(8, 0, new byte[50], fin: true).Write(payload.AsSpan(pos), withLength: false);

        var packet = new byte[100];
        PacketHeaderWriter.WriteShortHeader(packet, new ConnectionId([1, 2, 3, 4, 5, 6, 7, 8]), 77, 2, false);

        ulong checksum = Decode(payload.AsSpan(0, pos), packet); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
            checksum += Decode(payload.AsSpan(0, pos), packet);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.NotEqual(0UL, checksum);
    }

    private static ulong Decode(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> packet)
    {
        ulong sum = 0;
        if (PacketHeader.TryParse(packet, 8, out var header))
            sum += (ulong)header.PacketNumberOffset;
        var reader = new FrameReader(payload, PacketType.OneRtt);
        while (reader.TryReadFrameType(out var type))
        {
            switch (type)
            {
                case FrameType.Ack:
                    foreach (var range in reader.ReadAck().GetRanges())
                        sum += range.Count;
                    break;
                case FrameType.NewConnectionId:
                    sum += (ulong)reader.ReadNewConnectionId().ConnectionId.Length;
                    break;
                case FrameType.Datagram or FrameType.DatagramWithLength:
                    sum += (ulong)reader.ReadDatagram().Data.Length;
                    break;
                case >= FrameType.Stream and <= FrameType.StreamMax:
                    sum += (ulong)reader.ReadStream().Data.Length;
                    break;
                default:
                    reader.SkipFrame();
                    break;
            }
        }

        return sum;
    }
}
