using MoqLive.Quic.Core;
using MoqLive.Quic.Streams;

namespace MoqLive.Quic.Tests.Core;

public class TransferTests
{
    [Theory]
    [InlineData(0.0, 1)]
    [InlineData(0.01, 2)]
    [InlineData(0.05, 3)]
    [InlineData(0.20, 4)]
    public void LargeTransfer_ConcurrentStreams_ByteExactUnderLoss(double loss, int seed)
    {
        var pair = new QuicPair(seed, new LinkOptions { Loss = loss, Latency = TimeSpan.FromMilliseconds(20), Reordering = 0.02, Duplication = 0.01 });
        pair.Handshake();
        var transfer = new StreamTransfer(pair, streams: 4, bytesPerStream: loss >= 0.2 ? 256 * 1024 : 1024 * 1024, seed: seed);
        pair.DriveUntil(transfer.Pump);
        transfer.AssertByteExact();
        Assert.Equal(ConnectionState.Established, pair.Client.State);
    }
}
