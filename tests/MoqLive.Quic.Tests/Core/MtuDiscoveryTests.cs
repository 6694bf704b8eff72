using MoqLive.Quic.Core;

namespace MoqLive.Quic.Tests.Core;

/// <summary>Path MTU discovery (RFC 9000 §14.3, RFC 8899): the search itself, then connections on links of several MTUs.</summary>
public class MtuDiscoveryTests
{
    // Drives the search against a path that carries payloads up to pathLimit; returns probes sent.
    private static int Search(MtuDiscovery mtu, int pathLimit)
    {
        int probes = 0;
        while (mtu.NextProbeSize is { } size)
        {
            Assert.True(++probes < 100, "the search does not end");
            mtu.OnProbeSent(size);
            Assert.Null(mtu.NextProbeSize); // one probe outstanding at a time
            if (size <= pathLimit) mtu.OnProbeAcked(size);
            else mtu.OnProbeLost(size);
        }
        return probes;
    }

    [Theory]
    [InlineData(1500)]
    [InlineData(9000)]
    [InlineData(65507)]
    public void Search_ConvergesBelowThePathLimit_WithinPrecision(int pathLimit)
    {
        var mtu = new MtuDiscovery(1452, 65527);
        Search(mtu, pathLimit);
        Assert.False(mtu.Searching);
        Assert.InRange(mtu.Confirmed, Math.Max(1452, pathLimit - MtuDiscovery.Precision), pathLimit);
    }

    [Fact]
    public void OnProbeLost_SizeCountsAsTooLargeOnlyAfterMaxProbes()
    {
        var mtu = new MtuDiscovery(1200, 2000);
        int size = mtu.NextProbeSize!.Value;
        for (int i = 1; i < MtuDiscovery.MaxProbes; i++)
        {
            mtu.OnProbeSent(size);
            mtu.OnProbeLost(size);
            Assert.Equal(size, mtu.NextProbeSize); // the same size is tried again
        }
        mtu.OnProbeSent(size);
        mtu.OnProbeLost(size);
        Assert.True(mtu.NextProbeSize < size);
        Assert.Equal(1200, mtu.Confirmed);
    }

    [Fact]
    public void LimitTo_CapsTheSearch_AndAnAckAboveItConfirmsOnlyTheCap()
    {
        var mtu = new MtuDiscovery(1452, 65527);
        mtu.LimitTo(1600);
        Assert.True(mtu.NextProbeSize <= 1600);
        Assert.True(mtu.OnProbeAcked(9000));
        Assert.Equal(1600, mtu.Confirmed);
        Assert.False(mtu.Searching);
        Assert.Null(mtu.NextProbeSize);
    }

    [Fact]
    public void NoUpperBoundAboveTheBase_NeverProbes()
    {
        var mtu = new MtuDiscovery(1452, 0);
        Assert.Null(mtu.NextProbeSize);
        Assert.Equal(1452, mtu.Confirmed);
    }

    [Fact]
    public void OnBlackHole_FallsBackToBase_AndSearchesBelowTheFailedSize()
    {
        var mtu = new MtuDiscovery(1452, 65527);
        Search(mtu, 9000);
        int failed = mtu.Confirmed;
        Assert.True(mtu.OnBlackHole());
        Assert.Equal(1452, mtu.Confirmed);
        Assert.True(mtu.Searching);
        Assert.True(mtu.NextProbeSize < failed);
        Search(mtu, 1500);
        Assert.InRange(mtu.Confirmed, 1452, 1500);
        Assert.False(mtu.OnBlackHole() && mtu.OnBlackHole()); // at the base size there is nothing to fall back from
    }

    private static ConnectionOptions Probing => new() { MaxUdpPayloadSize = 1452, MtuDiscoveryUpperBound = 65527 };

    [Theory]
    [InlineData(1500, 31)]
    [InlineData(9000, 32)]
    [InlineData(65535, 33)]
    public void Transfer_ProbesUpToTheLinkMtu_ByteExact(int linkMtu, int seed)
    {
        var pair = new QuicPair(seed, new LinkOptions { Mtu = linkMtu, Latency = TimeSpan.FromMilliseconds(5) }, client: Probing, server: Probing);
        pair.Handshake();
        var transfer = new StreamTransfer(pair, streams: 2, bytesPerStream: 2 * 1024 * 1024, seed: seed);
        pair.DriveUntil(transfer.Pump);
        transfer.AssertByteExact();
        // The search goes on after the data: probes are sent whenever the window has room, until it ends.
        pair.DriveToIdle();
        int expectedMax = Math.Min(linkMtu, 65527);
        Assert.InRange(pair.Client.MaxUdpPayloadSize, Math.Max(1452, expectedMax - MtuDiscovery.Precision), expectedMax);
        Assert.True(pair.Client.Stats.MtuProbesSent > 0);
        // Probes the link dropped for size were not taken as congestion: no loss other than probes, and the window
        // was never cut (CUBIC's slow-start threshold stays unset).
        Assert.Equal(ulong.MaxValue, pair.Client.Loss.Congestion.SlowStartThreshold);
        Assert.Equal(ConnectionState.Established, pair.Client.State);
    }

    [Fact]
    public void Transfer_PeerAdvertisesSmallMaxUdpPayload_NoPacketAboveIt()
    {
        int largest = 0;
        var pair = new QuicPair(34, new LinkOptions { Mtu = 65535 }, client: Probing,
            server: new ConnectionOptions { MaxUdpPayloadSize = 1300 });
        pair.Interceptor = (toServer, data) =>
        {
            if (toServer) largest = Math.Max(largest, data.Length);
            return false;
        };
        pair.Handshake();
        var transfer = new StreamTransfer(pair, streams: 1, bytesPerStream: 512 * 1024, seed: 34);
        pair.DriveUntil(transfer.Pump);
        transfer.AssertByteExact();
        Assert.True(largest <= 1452, $"sent a {largest}-byte datagram to a peer that accepts 1300 after the handshake");
        Assert.True(pair.Client.MaxUdpPayloadSize <= 1300);
        Assert.Equal(0, pair.Client.Stats.MtuProbesSent);
    }

    [Fact]
    public void Transfer_WithoutUpperBound_SendsNoProbe()
    {
        var pair = new QuicPair(35, new LinkOptions { Mtu = 65535 }, client: new ConnectionOptions { MaxUdpPayloadSize = 1452 },
            server: new ConnectionOptions { MaxUdpPayloadSize = 1452 });
        pair.Handshake();
        var transfer = new StreamTransfer(pair, streams: 1, bytesPerStream: 512 * 1024, seed: 35);
        pair.DriveUntil(transfer.Pump);
        transfer.AssertByteExact();
        Assert.Equal(0, pair.Client.Stats.MtuProbesSent);
        Assert.Equal(1452, pair.Client.MaxUdpPayloadSize);
    }

    [Fact]
    public void Transfer_LinkMtuShrinksMidConnection_BlackHoleFallsBackAndTheTransferCompletes()
    {
        // No ICMP on the simulated link: datagrams above the MTU vanish, as on a path that filters ICMP.
        var pair = new QuicPair(36, new LinkOptions { Mtu = 65535, Latency = TimeSpan.FromMilliseconds(5) }, client: Probing, server: Probing);
        pair.Handshake();
        var transfer = new StreamTransfer(pair, streams: 2, bytesPerStream: 4 * 1024 * 1024, seed: 36);
        pair.DriveUntil(() => transfer.Pump() || pair.Client.MaxUdpPayloadSize > 9000);
        Assert.True(pair.Client.MaxUdpPayloadSize > 9000, $"the search did not get past 9000 bytes: {pair.Client.MaxUdpPayloadSize}");
        Assert.False(transfer.Done);

        pair.Link = pair.Link with { Mtu = 1500 };
        pair.DriveUntil(transfer.Pump);

        transfer.AssertByteExact();
        Assert.True(pair.Client.Stats.MtuBlackHoles >= 1);
        pair.DriveToIdle();
        // The search after the fall-back found the new path MTU again.
        Assert.InRange(pair.Client.MaxUdpPayloadSize, 1452, 1500);
        Assert.Equal(ConnectionState.Established, pair.Client.State);
    }

    [Fact]
    public void Transfer_RouteMtuLimit_NoDatagramAboveIt()
    {
        int largest = 0;
        var pair = new QuicPair(37, new LinkOptions { Mtu = 65535, Latency = TimeSpan.FromMilliseconds(5) }, client: Probing, server: Probing);
        pair.Interceptor = (toServer, data) =>
        {
            if (toServer) largest = Math.Max(largest, data.Length);
            return false;
        };
        pair.Client.LimitPathMtu(8972); // a 9000-byte IPv4 route
        pair.Handshake();
        var transfer = new StreamTransfer(pair, streams: 1, bytesPerStream: 2 * 1024 * 1024, seed: 37);
        pair.DriveUntil(transfer.Pump);
        transfer.AssertByteExact();
        pair.DriveToIdle();
        Assert.True(largest <= 8972, $"sent a {largest}-byte datagram over a route that carries 8972");
        Assert.InRange(pair.Client.MaxUdpPayloadSize, 8972 - MtuDiscovery.Precision, 8972);
        Assert.Equal(0, pair.Client.Stats.MtuBlackHoles);
    }

    [Fact]
    public void Transfer_EveryProbeLost_NoCongestionAndNoFallback()
    {
        // A path that drops every probe (e.g. a middlebox that drops padded packets above 1500 bytes) costs nothing.
        var pair = new QuicPair(38, new LinkOptions { Mtu = 1452, Latency = TimeSpan.FromMilliseconds(5) }, client: Probing, server: Probing);
        pair.Handshake();
        var transfer = new StreamTransfer(pair, streams: 1, bytesPerStream: 2 * 1024 * 1024, seed: 38);
        pair.DriveUntil(transfer.Pump);
        transfer.AssertByteExact();
        pair.DriveToIdle();
        Assert.True(pair.Client.Stats.MtuProbesSent >= MtuDiscovery.MaxProbes);
        Assert.Equal(pair.Client.Stats.MtuProbesSent, pair.Client.Stats.PacketsLost);
        Assert.Equal(1452, pair.Client.MaxUdpPayloadSize);
        Assert.Equal(ulong.MaxValue, pair.Client.Loss.Congestion.SlowStartThreshold);
        Assert.Equal(0, pair.Client.Stats.MtuBlackHoles);
    }
}
