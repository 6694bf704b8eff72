using MoqLive.Quic.Core;
using Xunit.Abstractions;

namespace MoqLive.Quic.Tests.Core;

public class LargeTransferTests
{
    private readonly ITestOutputHelper _output;

    public LargeTransferTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void FiftyMegabytes_FourStreams_OnePercentLoss_ByteExact()
    {
        var pair = new QuicPair(50, new LinkOptions { Loss = 0.01, Latency = TimeSpan.FromMilliseconds(15), Reordering = 0.01 });
        pair.Handshake();
        var start = pair.Now;
        var transfer = new StreamTransfer(pair, streams: 4, bytesPerStream: 50 * 1024 * 1024 / 4, seed: 50);
        pair.DriveUntil(transfer.Pump, maxSteps: 10_000_000);
        transfer.AssertByteExact();
        var elapsed = pair.Now - start;
        var s = pair.Client.Stats;
        _output.WriteLine($"simulated {elapsed.TotalSeconds:0.00}s, {50 * 8 / elapsed.TotalSeconds:0} Mbit/s, sent {s.PacketsSent} lost {s.PacketsLost} pto {s.PtoCount} cwnd {pair.Client.CongestionWindow} rtt {pair.Client.Rtt.TotalMilliseconds:0.0}ms");
    }
}
