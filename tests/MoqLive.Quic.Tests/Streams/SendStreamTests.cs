using MoqLive.Quic.Streams;

namespace MoqLive.Quic.Tests.Streams;

public class SendStreamTests
{
    private static SendStream NewStream(ulong credit = 1000) => new(new StreamId(0), credit, default);

    private static byte[] Bytes(int n, int seed = 0) => Enumerable.Range(seed, n).Select(i => (byte)i).ToArray();

    [Fact]
    public void PollChunk_RespectsStreamAndConnectionCredit()
    {
        var s = NewStream(credit: 100);
        s.Write(Bytes(300));
        Assert.True(s.TryPollChunk(1000, 60, out var c, out var newBytes));
        Assert.Equal((0UL, 60, false), (c.Offset, c.Length, c.Fin));
        Assert.Equal(60UL, newBytes);
        Assert.True(s.TryPollChunk(1000, 1000, out c, out _));
        Assert.Equal((60UL, 40), (c.Offset, c.Length));
        Assert.False(s.TryPollChunk(1000, 1000, out _, out _));
        Assert.True(s.IsBlockedByStreamLimit);
        Assert.True(s.OnMaxStreamData(300));
        Assert.True(s.TryPollChunk(1000, 1000, out c, out _));
        Assert.Equal((100UL, 200), (c.Offset, c.Length));
    }

    [Fact]
    public void LostRange_IsRetransmittedBeforeNewData_WithSameBytes()
    {
        var s = NewStream();
        var data = Bytes(500);
        s.Write(data);
        s.TryPollChunk(100, 1000, out var c1, out _);
        s.TryPollChunk(100, 1000, out var c2, out _);
        s.OnChunkAcked(c2.Offset, c2.Length, c2.Fin);
        s.OnChunkLost(c1.Offset, c1.Length, c1.Fin);
        Assert.True(s.TryPollChunk(1000, 1000, out var r, out var newBytes));
        Assert.Equal((0UL, 100), (r.Offset, r.Length));
        Assert.Equal(0UL, newBytes);
        var buf = new byte[100];
        s.CopyData(r.Offset, buf);
        Assert.Equal(data[..100], buf);
    }

    [Fact]
    public void LostRange_PartlyAcked_OnlyUnackedPartRetransmitted()
    {
        var s = NewStream();
        s.Write(Bytes(300));
        s.TryPollChunk(300, 1000, out var c, out _);
        s.OnChunkAcked(100, 100, false); // e.g. a retransmission of the middle got acked
        s.OnChunkLost(c.Offset, c.Length, c.Fin);
        Assert.True(s.TryPollChunk(1000, 1000, out var r1, out _));
        Assert.True(s.TryPollChunk(1000, 1000, out var r2, out _));
        Assert.Equal((0UL, 100), (r1.Offset, r1.Length));
        Assert.Equal((200UL, 100), (r2.Offset, r2.Length));
    }

    [Fact]
    public void Finish_FinOnLastChunk_AckedBecomesDataRecvd()
    {
        var s = NewStream();
        s.Write(Bytes(50));
        s.Finish();
        Assert.True(s.TryPollChunk(1000, 1000, out var c, out _));
        Assert.True(c.Fin);
        Assert.Equal(SendStreamState.DataSent, s.State);
        Assert.True(s.OnChunkAcked(c.Offset, c.Length, c.Fin));
        Assert.Equal(SendStreamState.DataRecvd, s.State);
        Assert.Equal(0UL, s.Buffered);
    }

    [Fact]
    public void EmptyFin_AckedBeforeTheDataBeforeIt_NoCrash_DeliveredOnceTheDataIsAcked()
    {
        // One ACK frame can acknowledge the FIN-only frame's packet before the data's packet (acked packets are
        // processed in any order); the listener's receive loop used to fail here with ArgumentOutOfRangeException.
        var s = NewStream();
        s.Write(Bytes(50));
        Assert.True(s.TryPollChunk(1000, 1000, out var data, out _));
        s.Finish();
        Assert.True(s.TryPollChunk(1000, 1000, out var fin, out _));
        Assert.Equal((50UL, 0, true), (fin.Offset, fin.Length, fin.Fin));

        Assert.False(s.OnChunkAcked(fin.Offset, fin.Length, fin.Fin));
        Assert.Equal(SendStreamState.DataSent, s.State);
        Assert.True(s.OnChunkAcked(data.Offset, data.Length, data.Fin));
        Assert.Equal(SendStreamState.DataRecvd, s.State);
    }

    [Fact]
    public void Finish_WithoutData_SendsEmptyFin_AndResendsWhenLost()
    {
        var s = NewStream();
        s.Finish();
        Assert.True(s.TryPollChunk(1000, 0, out var c, out _));
        Assert.Equal((0UL, 0, true), (c.Offset, c.Length, c.Fin));
        Assert.False(s.TryPollChunk(1000, 0, out _, out _));
        s.OnChunkLost(c.Offset, c.Length, c.Fin);
        Assert.True(s.TryPollChunk(1000, 0, out c, out _));
        Assert.True(c.Fin);
    }

    [Fact]
    public void Reset_DropsBufferedData_AndIgnoresLaterLoss()
    {
        var s = NewStream(credit: 100_000);
        s.Write(Bytes(50_000));
        s.TryPollChunk(1000, 100_000, out var c, out _);
        Assert.True(s.Reset(42));
        Assert.Equal(0UL, s.Buffered);
        Assert.True(s.ResetPending);
        Assert.Equal(1000UL, s.FinalSize);
        s.OnChunkLost(c.Offset, c.Length, c.Fin);
        Assert.False(s.TryPollChunk(1000, 100_000, out _, out _));
        Assert.False(s.HasDataToSend);
        s.OnResetSent();
        s.OnResetAcked();
        Assert.Equal(SendStreamState.ResetRecvd, s.State);
        Assert.False(s.Reset(1));
    }

    [Fact]
    public void StopSending_ResetsWithPeerCode()
    {
        var s = NewStream();
        s.Write(Bytes(10));
        Assert.True(s.OnStopSending(7));
        Assert.Equal(7UL, s.ResetErrorCode);
        Assert.Equal(SendStreamState.ResetSent, s.State);
        Assert.False(s.OnStopSending(7));
    }
}
