using MoqLive.Quic.Congestion;
using MoqLive.Quic.Recovery;
using MoqLive.Quic.Streams;

namespace MoqLive.Quic.Tests.Recovery;

public class SentPacketPoolTests
{
    private static Instant T(double ms) => Instant.FromMilliseconds(ms);

    private static LossDetection NewLd() =>
        new(true, new NewReno(1200), TimeSpan.FromMilliseconds(100)) { HandshakeConfirmed = true, HasHandshakeKeys = true };

    private static SentPacket Send(LossDetection ld, ulong pn, double ms, PacketSpace space = PacketSpace.ApplicationData)
    {
        var p = ld.RentPacket();
        p.PacketNumber = pn;
        p.TimeSent = T(ms);
        p.Size = 1200;
        p.AckEliciting = true;
        p.InFlight = true;
        p.Frames.AddStream(new StreamChunk(new StreamId(4), pn * 1000, 1000, false));
        p.Frames.LargestAckSent = pn;
        (p.Frames.Crypto ??= new()).Add((pn, 10));
        ld.OnPacketSent(space, p);
        return p;
    }

    private static List<(ulong, ulong)> R(params (ulong, ulong)[] r) => r.ToList();

    [Fact]
    public void Return_ClearsRecord_RentReusesIt()
    {
        var pool = new SentPacketPool();
        var p = pool.Rent();
        p.PacketNumber = 7;
        p.Size = 1200;
        p.AckEliciting = p.InFlight = p.AppLimited = true;
        p.Frames.AddStream(new StreamChunk(new StreamId(0), 0, 10, true));
        p.Frames.AddStream(new StreamChunk(new StreamId(4), 0, 10, true));
        (p.Frames.Other ??= new()).Add(new object());
        pool.Return(p);

        var again = pool.Rent();
        Assert.Same(p, again);
        Assert.Equal(0UL, again.PacketNumber);
        Assert.Equal(0, again.Size);
        Assert.False(again.AckEliciting || again.InFlight || again.AppLimited);
        Assert.Equal(0, again.Frames.StreamCount);
        Assert.Null(again.Frames.LargestAckSent);
        Assert.Empty(again.Frames.Other!);
        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public void Return_BeyondMaxPooled_IsDropped()
    {
        var pool = new SentPacketPool();
        var records = Enumerable.Range(0, SentPacketPool.MaxPooled + 10).Select(_ => pool.Rent()).ToList();
        foreach (var r in records) pool.Return(r);
        Assert.Equal(SentPacketPool.MaxPooled, pool.Count);
    }

    [Fact]
    public void OnAckReceived_AckedRecordsStayIntactUntilNextCall_ThenReused()
    {
        var ld = NewLd();
        Send(ld, 0, 0);
        var p1 = Send(ld, 1, 1);
        var o = ld.OnAckReceived(PacketSpace.ApplicationData, R((1, 1)), TimeSpan.Zero, T(50), 0x02);
        Assert.Same(p1, Assert.Single(o.Acked));
        // Not reusable while the outcome is being consumed: renting now gives another record.
        var other = ld.RentPacket();
        Assert.NotSame(p1, other);
        ld.ReturnUnsent(other);
        Assert.Equal(1UL, p1.PacketNumber);
        Assert.Equal(1, p1.Frames.StreamCount);
        Assert.Equal(1UL, p1.Frames.LargestAckSent);
        Assert.Equal(1000UL, p1.Frames.GetStream(0).Offset);

        ld.OnAckReceived(PacketSpace.ApplicationData, R((0, 0)), TimeSpan.Zero, T(60), 0x02);
        // p1 left with the previous outcome, so it is free now, and cleared.
        Assert.Equal(2, ld.PooledPackets);
        Assert.Equal(0UL, p1.PacketNumber);
        Assert.Equal(0, p1.Frames.StreamCount);
        Assert.Null(p1.Frames.LargestAckSent);
        Assert.Empty(p1.Frames.Crypto!);
        var reused = new[] { ld.RentPacket(), ld.RentPacket() };
        Assert.Contains(p1, reused);
    }

    [Fact]
    public void OnTimeout_LostRecordsStayIntactUntilNextTimeout()
    {
        var ld = NewLd();
        for (ulong pn = 0; pn < 5; pn++) Send(ld, pn, pn);
        // 0 and 1 are lost by packet threshold (reported by the ACK), 2 waits for the time threshold.
        var o = ld.OnAckReceived(PacketSpace.ApplicationData, R((3, 4)), TimeSpan.Zero, T(50), 0x02);
        Assert.Equal(2, o.Lost.Count);
        var to = ld.OnTimeout(ld.GetTimer(false)!.Value);
        var lost = Assert.Single(to.Lost!);
        Assert.Equal(2UL, lost.PacketNumber);
        Assert.Equal(2000UL, lost.Frames.GetStream(0).Offset);
        int pooled = ld.PooledPackets;

        Send(ld, 5, 100);
        ld.OnTimeout(ld.GetTimer(false)!.Value);
        Assert.Equal(0UL, lost.PacketNumber);
        Assert.Equal(0, lost.Frames.StreamCount);
        Assert.True(ld.PooledPackets >= pooled);
    }

    [Fact]
    public void DiscardSpace_ReturnsOutstandingRecords()
    {
        var ld = NewLd();
        var a = Send(ld, 0, 0, PacketSpace.Handshake);
        var b = Send(ld, 1, 1, PacketSpace.Handshake);
        ld.DiscardSpace(PacketSpace.Handshake);
        Assert.Equal(2, ld.PooledPackets);
        Assert.Equal(0UL, ld.BytesInFlight);
        Assert.Equal(0, a.Frames.StreamCount);
        Assert.Equal(0, b.Frames.StreamCount);
        Assert.Empty(ld.Outstanding(PacketSpace.Handshake));
    }
}
