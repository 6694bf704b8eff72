using MoqLive.Quic.Congestion;
using MoqLive.Quic.Core;
using MoqLive.Quic.Tests.Core;
using Xunit.Abstractions;

namespace MoqLive.Quic.Tests.Congestion;

public sealed class RandomLossTests(ITestOutputHelper output)
{
    // The testbed's 3g profile (issue 6): 150 ms RTT, 1.5 Mbit/s, 1 % random loss; ~0.86 Mbit/s of video on it.
    private static LinkOptions ThreeG => new() { Latency = TimeSpan.FromMilliseconds(75), BytesPerSecond = 1_500_000 / 8, Loss = 0.01 };

    [Theory]
    [InlineData(CongestionControlAlgorithm.Cubic)]
    [InlineData(CongestionControlAlgorithm.NewReno)]
    public void Video_On3gLink_KeepsUpWithTheCapture(CongestionControlAlgorithm algorithm)
    {
        var (latencies, sent) = StreamVideo(new ConnectionOptions { CongestionControl = algorithm });
        // Every frame arrives, and the stream does not fall behind: one RTT of queueing, a key frame serialised at
        // 1.5 Mbit/s (~110 ms) and a retransmission (~1.2 RTT) fit in 600 ms. Treating each random loss as congestion
        // (RandomLossTolerance 0) caps the window below the video's rate and leaves frames seconds behind.
        Assert.Equal(sent, latencies.Count);
        Assert.True(Percentile(latencies, 0.95) < 600, $"p95 {Percentile(latencies, 0.95):0} ms");
        Assert.True(latencies.Max() < 1000, $"max {latencies.Max():0} ms");
    }

    [Fact]
    public void Video_On3gLink_EveryLossAsCongestion_FallsBehind()
    {
        // The cause the filter removes, shown on the same seeded link: RFC 9002's response to 1 % random loss.
        var (latencies, _) = StreamVideo(new ConnectionOptions { RandomLossTolerance = 0 });
        Assert.True(Percentile(latencies, 0.95) > 2000, $"p95 {Percentile(latencies, 0.95):0} ms");
    }

    private (List<double> Latencies, int Sent) StreamVideo(ConnectionOptions options)
    {
        var pair = new QuicPair(seed: 7, link: ThreeG, client: options, server: options);
        pair.Handshake();
        var media = new MediaOverLossyLink(pair, keyframeBytes: 20_000, frameBytes: 3_000);
        media.Run(TimeSpan.FromSeconds(30));
        var latencies = media.Latencies.Select(l => l.TotalMilliseconds).ToList();
        output.WriteLine($"{options.CongestionControl}, tolerance {options.RandomLossTolerance}: {latencies.Count}/{media.FramesSent} frames, p50 {Percentile(latencies, 0.5):0} p95 {Percentile(latencies, 0.95):0} max {latencies.DefaultIfEmpty().Max():0} ms; lost {pair.Client.Stats.PacketsLost}, PTOs {pair.Client.Stats.PtoCount}, cwnd {pair.Client.CongestionWindow}");
        return (latencies, media.FramesSent);
    }

    private static double Percentile(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, q * sorted.Count)];
    }
}
