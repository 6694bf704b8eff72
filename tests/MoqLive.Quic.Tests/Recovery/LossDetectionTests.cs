using MoqLive.Quic.Congestion;
using MoqLive.Quic.Recovery;

namespace MoqLive.Quic.Tests.Recovery;

public class LossDetectionTests
{
    private static Instant T(double ms) => Instant.FromMilliseconds(ms);

    private static LossDetection NewLd(bool server = true) =>
        new(server, new NewReno(1200), TimeSpan.FromMilliseconds(100)) { HandshakeConfirmed = true, HasHandshakeKeys = true };

    private static void Send(LossDetection ld, ulong pn, double ms, PacketSpace space = PacketSpace.ApplicationData) =>
        ld.OnPacketSent(space, new SentPacket { PacketNumber = pn, TimeSent = T(ms), Size = 1200, AckEliciting = true, InFlight = true });

    private static List<(ulong, ulong)> R(params (ulong, ulong)[] r) => r.ToList();

    [Fact]
    public void Ack_RemovesPackets_TakesRttSample()
    {
        var ld = NewLd();
        Send(ld, 0, 0);
        Send(ld, 1, 10);
        Assert.Equal(2400UL, ld.BytesInFlight);
        var o = ld.OnAckReceived(PacketSpace.ApplicationData, R((0, 1)), TimeSpan.Zero, T(60), 0x02);
        Assert.Equal(2, o.Acked.Count);
        Assert.Empty(o.Lost);
        Assert.Equal(TimeSpan.FromMilliseconds(50), ld.Rtt.Latest);
        Assert.Equal(0UL, ld.BytesInFlight);
        Assert.Null(ld.GetTimer(false));
    }

    [Fact]
    public void AckOfUnsentPacket_ThrowsProtocolViolation()
    {
        var ld = NewLd();
        Send(ld, 0, 0);
        var ex = Assert.Throws<QuicProtocolException>(() => ld.OnAckReceived(PacketSpace.ApplicationData, R((0, 5)), TimeSpan.Zero, T(10), 0x02));
        Assert.Equal(TransportErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public void PacketThreshold_DeclaresLostThreeBehind()
    {
        var ld = NewLd();
        for (ulong pn = 0; pn < 5; pn++) Send(ld, pn, pn);
        var o = ld.OnAckReceived(PacketSpace.ApplicationData, R((3, 4)), TimeSpan.Zero, T(50), 0x02);
        Assert.Equal([0UL, 1], o.Lost.Select(p => p.PacketNumber));
        // Packet 2 waits for the time threshold: the timer is the loss time.
        var timer = ld.GetTimer(false);
        Assert.NotNull(timer);
        var to = ld.OnTimeout(timer!.Value);
        Assert.Equal([2UL], to.Lost!.Select(p => p.PacketNumber));
        Assert.Equal(0, to.ProbesToSend);
    }

    [Fact]
    public void TimeThreshold_NineEighthsRtt()
    {
        var ld = NewLd();
        Send(ld, 0, 0);
        Send(ld, 1, 100);
        ld.OnAckReceived(PacketSpace.ApplicationData, R((1, 1)), TimeSpan.Zero, T(200), 0x02); // rtt 100
        // Packet 0 sent at 0 and 200 - 0 >= 9/8 * 100: lost at once.
        Assert.Equal(0, ld[PacketSpace.ApplicationData].Count);
        Send(ld, 2, 210);
        Send(ld, 3, 250);
        var o = ld.OnAckReceived(PacketSpace.ApplicationData, R((3, 3)), TimeSpan.Zero, T(300), 0x02);
        Assert.Empty(o.Lost);
        var expected = T(210) + ld.Rtt.Smoothed * 9 / 8;
        Assert.InRange((ld.GetTimer(false)!.Value - expected).Duration().TotalMilliseconds, 0, 0.01);
    }

    [Fact]
    public void Pto_BacksOffExponentially_WhenWholeFlightIsLost()
    {
        var ld = NewLd();
        Send(ld, 0, 0);
        Send(ld, 1, 0);
        var t1 = ld.GetTimer(false)!.Value;
        // 100 + max(4*50, 1) + max_ack_delay 25
        Assert.Equal(T(325), t1);
        var to = ld.OnTimeout(t1);
        Assert.Null(to.Lost);
        Assert.Equal(2, to.ProbesToSend);
        Assert.Equal(PacketSpace.ApplicationData, to.Space);
        Send(ld, 2, 325);
        Send(ld, 3, 325);
        Assert.Equal(T(325 + 2 * 325), ld.GetTimer(false));
        ld.OnTimeout(T(975));
        Assert.Equal(2, ld.PtoCount);
        Send(ld, 4, 975);
        Assert.Equal(T(975 + 4 * 325), ld.GetTimer(false));
        // An ACK of the last probe resets the backoff and declares the earlier ones lost.
        var o = ld.OnAckReceived(PacketSpace.ApplicationData, R((4, 4)), TimeSpan.Zero, T(1100), 0x02);
        Assert.Equal(0, ld.PtoCount);
        Assert.Equal(4, o.Lost.Count);
    }

    [Fact]
    public void NoApplicationPto_BeforeHandshakeConfirmed()
    {
        var ld = new LossDetection(true, new NewReno(1200), TimeSpan.FromMilliseconds(100));
        Send(ld, 0, 0);
        Assert.Null(ld.GetTimer(false));
        Send(ld, 0, 5, PacketSpace.Handshake);
        Assert.Equal(T(5 + 300), ld.GetTimer(false));
    }

    [Fact]
    public void Client_AntiDeadlockPto_WithNothingInFlight()
    {
        var ld = new LossDetection(false, new NewReno(1200), TimeSpan.FromMilliseconds(100));
        Send(ld, 0, 0, PacketSpace.Initial);
        ld.OnAckReceived(PacketSpace.Initial, R((0, 0)), TimeSpan.Zero, T(100), 0x02);
        // Nothing in flight, but the server has not validated us: keep a timer.
        var timer = ld.GetTimer(false);
        Assert.NotNull(timer);
        var to = ld.OnTimeout(timer!.Value);
        Assert.Equal(PacketSpace.Initial, to.Space);
        ld.HasHandshakeKeys = true;
        Assert.Equal(PacketSpace.Handshake, ld.OnTimeout(timer.Value).Space);
        ld.PeerCompletedAddressValidation = true;
        Assert.Null(ld.GetTimer(false));
    }

    [Fact]
    public void Server_AmplificationBlocked_DisarmsPto()
    {
        var ld = NewLd();
        Send(ld, 0, 0, PacketSpace.Initial);
        Assert.NotNull(ld.GetTimer(false));
        Assert.Null(ld.GetTimer(true));
    }

    [Fact]
    public void PersistentCongestion_CollapsesWindow()
    {
        var cc = new NewReno(1200);
        var ld = new LossDetection(true, cc, TimeSpan.FromMilliseconds(100)) { HandshakeConfirmed = true };
        Send(ld, 0, 0);
        ld.OnAckReceived(PacketSpace.ApplicationData, R((0, 0)), TimeSpan.Zero, T(100), 0x02); // rtt 100, var 50
        // Period = (100 + 200 + 25) * 3 = 975 ms. Send a long run of packets that all get lost.
        for (ulong pn = 1; pn <= 12; pn++) Send(ld, pn, 100 + (pn - 1) * 100);
        Send(ld, 13, 1300);
        var o = ld.OnAckReceived(PacketSpace.ApplicationData, R((13, 13)), TimeSpan.Zero, T(1400), 0x02);
        Assert.Equal(12, o.Lost.Count);
        // Collapsed to the minimum window, then packet 13's ACK grew it in slow start.
        Assert.Equal(CongestionDefaults.MinimumWindow(1200) + 1200, cc.Window);
    }

    [Fact]
    public void DiscardSpace_RemovesBytesInFlight()
    {
        var ld = NewLd();
        Send(ld, 0, 0, PacketSpace.Initial);
        Send(ld, 0, 0, PacketSpace.Handshake);
        ld.DiscardSpace(PacketSpace.Initial);
        Assert.Equal(1200UL, ld.BytesInFlight);
        Assert.Equal(0, ld[PacketSpace.Initial].Count);
    }
}
