using MoqLive.Quic.Core;

namespace MoqLive.Quic.Tests.Core;

/// <summary>
/// The receiver's ACK threshold (<see cref="ConnectionOptions.AckElicitingThreshold"/>, RFC 9000 §13.2.2): fewer
/// ACKs for a bulk transfer, and loss recovery still completes it.
/// </summary>
public class AckThresholdTests
{
    [Theory]
    [InlineData(0.0, 11)]
    [InlineData(0.05, 12)]
    [InlineData(0.20, 13)]
    public void BulkTransfer_ThresholdTen_ByteExactUnderLoss(double loss, int seed)
    {
        var pair = new QuicPair(seed, new LinkOptions { Loss = loss, Latency = TimeSpan.FromMilliseconds(10), Reordering = 0.02 },
            server: new ConnectionOptions { AckElicitingThreshold = 10 });
        pair.Handshake();
        var transfer = new StreamTransfer(pair, streams: 2, bytesPerStream: loss >= 0.2 ? 256 * 1024 : 1024 * 1024, seed: seed);
        pair.DriveUntil(transfer.Pump);
        transfer.AssertByteExact();
        Assert.Equal(ConnectionState.Established, pair.Client.State);
        if (loss > 0) Assert.True(pair.Client.Stats.PacketsLost > 0, "the link lost nothing: loss recovery was not exercised");
    }

    [Fact]
    public void BulkTransfer_ThresholdTen_SendsFarFewerAcksThanEverySecondPacket()
    {
        long Acks(int threshold)
        {
            var pair = new QuicPair(21, new LinkOptions { Latency = TimeSpan.FromMilliseconds(10) },
                server: new ConnectionOptions { AckElicitingThreshold = threshold });
            pair.Handshake();
            long before = pair.Server!.Stats.PacketsSent;
            var transfer = new StreamTransfer(pair, streams: 1, bytesPerStream: 4 * 1024 * 1024, seed: 21);
            pair.DriveUntil(transfer.Pump);
            transfer.AssertByteExact();
            // The server only receives: what it sends is ACKs (and a few flow-control updates).
            return pair.Server.Stats.PacketsSent - before;
        }

        long everySecond = Acks(2), everyTenth = Acks(10);
        Assert.True(everyTenth * 3 < everySecond, $"threshold 10 sent {everyTenth} packets, threshold 2 sent {everySecond}");
    }
}
