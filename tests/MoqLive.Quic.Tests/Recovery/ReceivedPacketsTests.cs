using MoqLive.Quic.Recovery;

namespace MoqLive.Quic.Tests.Recovery;

public class ReceivedPacketsTests
{
    private static Instant T(double ms) => Instant.FromMilliseconds(ms);

    [Fact]
    public void AppSpace_AcksEverySecondAckElicitingPacket()
    {
        var r = new ReceivedPackets(PacketSpace.ApplicationData);
        r.OnPacketReceived(0, true, T(0));
        Assert.False(r.ShouldSendAck(T(0)));
        Assert.Equal(T(25), r.AckDeadline);
        r.OnPacketReceived(1, true, T(1));
        Assert.True(r.ShouldSendAck(T(1)));
        r.OnAckSent();
        Assert.False(r.ShouldSendAck(T(100)));
    }

    [Fact]
    public void AppSpace_PastDecimationStart_AcksEveryThresholdPackets()
    {
        var r = new ReceivedPackets(PacketSpace.ApplicationData) { AckElicitingThreshold = 10, DecimationStart = 4 };
        ulong pn = 0;
        // The first DecimationStart packets: every second one is acknowledged (RFC 9000 §13.2.2).
        for (int i = 0; i < 2; i++)
        {
            r.OnPacketReceived(pn++, true, T(0));
            Assert.False(r.AckImmediately);
            r.OnPacketReceived(pn++, true, T(0));
            Assert.True(r.AckImmediately);
            r.OnAckSent();
        }

        // Then every tenth.
        for (int i = 1; i < 10; i++)
        {
            r.OnPacketReceived(pn++, true, T(1));
            Assert.False(r.AckImmediately);
        }
        r.OnPacketReceived(pn++, true, T(1));
        Assert.True(r.AckImmediately);
    }

    [Fact]
    public void AppSpace_Decimating_DelayIsAQuarterRttBelowMaxAckDelay()
    {
        var r = new ReceivedPackets(PacketSpace.ApplicationData) { AckElicitingThreshold = 10, DecimationStart = 0 };
        r.OnPacketReceived(0, true, T(100), TimeSpan.FromMilliseconds(8));
        Assert.Equal(T(102), r.AckDeadline);
        r.OnAckSent();
        // A long RTT: max_ack_delay still bounds it.
        r.OnPacketReceived(1, true, T(200), TimeSpan.FromMilliseconds(400));
        Assert.Equal(T(225), r.AckDeadline);
    }

    [Fact]
    public void AppSpace_Decimating_QuarterRttBelowOneMillisecond_AcksWithTheBurstNotByTimer()
    {
        var r = new ReceivedPackets(PacketSpace.ApplicationData) { AckElicitingThreshold = 10, DecimationStart = 0 };
        r.OnPacketReceived(0, true, T(100), TimeSpan.FromMicroseconds(200)); // loopback: a quarter RTT is 50 µs

        Assert.True(r.AckImmediately);
        Assert.Null(r.AckDeadline);
        Assert.True(r.ShouldSendAck(T(100)));
    }

    [Fact]
    public void AppSpace_Decimating_OutOfOrderStillAcksImmediately()
    {
        var r = new ReceivedPackets(PacketSpace.ApplicationData) { AckElicitingThreshold = 10, DecimationStart = 0 };
        r.OnPacketReceived(0, true, T(0));
        r.OnPacketReceived(2, true, T(0)); // a gap: packet 1 may be lost (§13.2.1)
        Assert.True(r.AckImmediately);
    }

    [Fact]
    public void AppSpace_DelayedAckFiresAtMaxAckDelay()
    {
        var r = new ReceivedPackets(PacketSpace.ApplicationData);
        r.OnPacketReceived(0, true, T(0));
        Assert.False(r.ShouldSendAck(T(24)));
        Assert.True(r.ShouldSendAck(T(25)));
    }

    [Fact]
    public void NonAckEliciting_DoesNotTriggerAck()
    {
        var r = new ReceivedPackets(PacketSpace.ApplicationData);
        r.OnPacketReceived(0, false, T(0));
        Assert.Null(r.AckDeadline);
        Assert.False(r.ShouldSendAck(T(1000)));
        Assert.True(r.HasNewPackets);
    }

    [Fact]
    public void OutOfOrder_AcksImmediately()
    {
        var r = new ReceivedPackets(PacketSpace.ApplicationData);
        r.OnPacketReceived(0, true, T(0));
        r.OnAckSent();
        r.OnPacketReceived(2, true, T(1)); // gap
        Assert.True(r.AckImmediately);
    }

    [Fact]
    public void HandshakeSpaces_AckImmediately()
    {
        var r = new ReceivedPackets(PacketSpace.Initial);
        r.OnPacketReceived(0, true, T(0));
        Assert.True(r.AckImmediately);
    }

    [Fact]
    public void BuildAck_DescendingRanges_AndEncodedDelay()
    {
        var r = new ReceivedPackets(PacketSpace.ApplicationData);
        foreach (ulong pn in new ulong[] { 0, 1, 2, 5, 6, 9 }) r.OnPacketReceived(pn, true, T(10));
        var ack = r.BuildAck(T(10) + TimeSpan.FromMicroseconds(800), ackDelayExponent: 3)!.Value;
        Assert.Equal([(9UL, 9UL), (5UL, 6UL), (0UL, 2UL)], ack.Ranges.Select(r => (r.Smallest, r.Largest)));
        Assert.Equal(100UL, ack.AckDelayEncoded);
        Assert.True(r.IsDuplicate(5));
        Assert.False(r.IsDuplicate(7));
    }

    [Fact]
    public void AckOfAck_ForgetsOldRanges()
    {
        var r = new ReceivedPackets(PacketSpace.ApplicationData);
        foreach (ulong pn in new ulong[] { 0, 1, 4, 8 }) r.OnPacketReceived(pn, true, T(0));
        r.OnAckOfAck(4);
        var ack = r.BuildAck(T(0), 3)!.Value;
        Assert.Equal([(8UL, 8UL), (4UL, 4UL)], ack.Ranges.Select(r => (r.Smallest, r.Largest)));
        Assert.True(r.IsDuplicate(1));
    }
    [Fact]
    public void ApplyAckFrequency_RequestedDelayReplacesQuarterRttBound()
    {
        // draft-ietf-quic-ack-frequency-11 §6: a peer that asked for a delay gets it, not our quarter-RTT choice.
        static Instant? Deadline(bool requested)
        {
            var r = new ReceivedPackets(PacketSpace.ApplicationData) { AckElicitingThreshold = 10, DecimationStart = 0 };
            if (requested) r.ApplyAckFrequency(ackElicitingThreshold: 9, TimeSpan.FromMilliseconds(100), reorderingThreshold: 1);
            r.OnPacketReceived(0, true, T(0), smoothedRtt: TimeSpan.FromMilliseconds(4));
            return r.AckDeadline;
        }

        Assert.Equal(T(1), Deadline(requested: false));
        Assert.Equal(T(100), Deadline(requested: true));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(4UL)]
    public void ApplyAckFrequency_AcksOnceMoreThanThresholdPacketsArrived(ulong threshold)
    {
        // §4: Ack-Eliciting Threshold is how many ack-eliciting packets may arrive without an ACK.
        var r = new ReceivedPackets(PacketSpace.ApplicationData) { DecimationStart = 0 };
        r.ApplyAckFrequency(threshold, TimeSpan.FromMilliseconds(50), reorderingThreshold: 1);
        ulong pn = 0;
        for (ulong i = 0; i < threshold; i++)
        {
            r.OnPacketReceived(pn++, true, T(0));
            Assert.False(r.AckImmediately);
        }
        r.OnPacketReceived(pn, true, T(0));
        Assert.True(r.AckImmediately);
    }

    [Fact]
    public void ApplyAckFrequency_ReorderingThresholdZero_OutOfOrderWaitsForTheDelay()
    {
        ReceivedPackets Receiver(ulong reordering)
        {
            var r = new ReceivedPackets(PacketSpace.ApplicationData) { DecimationStart = 0 };
            r.ApplyAckFrequency(9, TimeSpan.FromMilliseconds(50), reordering);
            r.OnPacketReceived(0, true, T(0));
            r.OnPacketReceived(2, true, T(1)); // 1 is missing
            return r;
        }

        Assert.False(Receiver(0).AckImmediately);
        Assert.Equal(T(50), Receiver(0).AckDeadline);
        // 1 (and any other non-zero threshold) keeps RFC 9000 §13.2.1's immediate ACK of an out-of-order packet.
        Assert.True(Receiver(1).AckImmediately);
        Assert.True(Receiver(3).AckImmediately);
    }
}
