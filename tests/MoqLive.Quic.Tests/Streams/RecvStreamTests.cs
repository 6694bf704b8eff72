using MoqLive.Quic.Streams;

namespace MoqLive.Quic.Tests.Streams;

public class RecvStreamTests
{
    private const ulong StreamFrame = 0x08;

    private static RecvStream NewStream(ulong window = 1000) => new(new StreamId(1), window, window * 16);

    [Fact]
    public void OutOfOrderAndDuplicateFrames_ReassembleExactly()
    {
        var data = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
        var r = NewStream(2000);
        var rng = new Random(3);
        var pieces = new List<(int Off, int Len)>();
        for (int off = 0; off < data.Length; off += 37) pieces.Add((off, Math.Min(37, data.Length - off)));
        var order = pieces.Concat(pieces.Take(10)).OrderBy(_ => rng.Next()).ToList();
        foreach (var (off, len) in order)
        {
            // Overlapping frames too: extend some pieces forward.
            int extra = Math.Min(rng.Next(20), data.Length - off - len);
            r.OnStreamFrame((ulong)off, data.AsSpan(off, len + extra), off + len + extra == data.Length, StreamFrame);
        }
        var buf = new byte[2000];
        int n = r.Read(buf, out bool fin);
        Assert.True(fin);
        Assert.Equal(data, buf[..n]);
        Assert.Equal(RecvStreamState.DataRead, r.State);
    }

    [Fact]
    public void Read_StopsAtGap()
    {
        var r = NewStream();
        r.OnStreamFrame(0, new byte[10], false, StreamFrame);
        r.OnStreamFrame(20, new byte[10], false, StreamFrame);
        Assert.Equal(10, r.Read(new byte[100], out bool fin));
        Assert.False(fin);
        Assert.False(r.IsReadable);
        r.OnStreamFrame(10, new byte[10], false, StreamFrame);
        Assert.True(r.IsReadable);
        Assert.Equal(20, r.Read(new byte[100], out _));
    }

    [Fact]
    public void DataBeyondWindow_ThrowsFlowControlError()
    {
        var r = NewStream(100);
        var ex = Assert.Throws<QuicProtocolException>(() => r.OnStreamFrame(90, new byte[11], false, StreamFrame));
        Assert.Equal(TransportErrorCode.FlowControlError, ex.Code);
        Assert.Equal(StreamFrame, ex.FrameType);
    }

    [Fact]
    public void DataBeyondFinalSize_ThrowsFinalSizeError()
    {
        var r = NewStream();
        r.OnStreamFrame(0, new byte[10], true, StreamFrame);
        var ex = Assert.Throws<QuicProtocolException>(() => r.OnStreamFrame(10, new byte[1], false, StreamFrame));
        Assert.Equal(TransportErrorCode.FinalSizeError, ex.Code);
    }

    [Fact]
    public void ChangedFinalSize_ThrowsFinalSizeError()
    {
        var r = NewStream();
        r.OnStreamFrame(0, new byte[10], true, StreamFrame);
        Assert.Throws<QuicProtocolException>(() => r.OnStreamFrame(0, new byte[5], true, StreamFrame));
        // Same final size again is fine (retransmission).
        r.OnStreamFrame(0, new byte[10], true, StreamFrame);
    }

    [Fact]
    public void FinBelowReceivedData_ThrowsFinalSizeError()
    {
        var r = NewStream();
        r.OnStreamFrame(50, new byte[10], false, StreamFrame);
        var ex = Assert.Throws<QuicProtocolException>(() => r.OnStreamFrame(0, new byte[20], true, StreamFrame));
        Assert.Equal(TransportErrorCode.FinalSizeError, ex.Code);
    }

    [Fact]
    public void ResetStream_FinalSizeConflict_Throws_AndValidResetIsReadOnce()
    {
        var r = NewStream();
        r.OnStreamFrame(0, new byte[30], false, StreamFrame);
        Assert.Throws<QuicProtocolException>(() => r.OnResetStream(9, 10, 0x04));
        var r2 = NewStream();
        r2.OnStreamFrame(0, new byte[30], false, StreamFrame);
        Assert.Equal(20UL, r2.OnResetStream(9, 50, 0x04));
        Assert.True(r2.IsReadable);
        Assert.Equal(50UL, r2.ReleaseUnread());
        var ex = Assert.Throws<StreamResetException>(() => r2.Read(new byte[10], out _));
        Assert.Equal(9UL, ex.ErrorCode);
        Assert.True(r2.IsClosed);
    }

    [Fact]
    public void ReadingHalfWindow_RequestsMaxStreamData()
    {
        var r = NewStream(1000);
        r.OnStreamFrame(0, new byte[400], false, StreamFrame);
        r.Read(new byte[1000], out _);
        Assert.False(r.MaxStreamDataPending);
        r.OnStreamFrame(400, new byte[200], false, StreamFrame);
        r.Read(new byte[1000], out _);
        Assert.True(r.MaxStreamDataPending);
        Assert.Equal(1600UL, r.TakeMaxStreamData(Instant.FromMilliseconds(1000), TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public void FastReader_WindowAutoTunesUpToMax()
    {
        var r = new RecvStream(new StreamId(1), 1000, 8000);
        var now = Instant.FromMilliseconds(0);
        var rtt = TimeSpan.FromMilliseconds(100);
        ulong offset = 0;
        var windows = new List<ulong>();
        for (int i = 0; i < 12; i++)
        {
            // The reader drains a full window every 10 ms, much faster than 2 RTT.
            ulong limit = r.Window.MaxAdvertised;
            r.OnStreamFrame(offset, new byte[limit - offset], false, StreamFrame);
            offset = limit;
            r.Read(new byte[100_000], out _);
            Assert.True(r.MaxStreamDataPending);
            r.TakeMaxStreamData(now, rtt);
            windows.Add(r.Window.Window);
            now += TimeSpan.FromMilliseconds(10);
        }
        Assert.Equal(1000UL, windows[0]);
        Assert.Equal(2000UL, windows[1]);
        Assert.Equal(8000UL, windows[^1]);
    }

    [Fact]
    public void SlowReader_WindowDoesNotGrow()
    {
        var r = new RecvStream(new StreamId(1), 1000, 8000);
        var now = Instant.Zero;
        ulong offset = 0;
        for (int i = 0; i < 5; i++)
        {
            ulong limit = r.Window.MaxAdvertised;
            r.OnStreamFrame(offset, new byte[limit - offset], false, StreamFrame);
            offset = limit;
            r.Read(new byte[100_000], out _);
            r.TakeMaxStreamData(now, TimeSpan.FromMilliseconds(100));
            now += TimeSpan.FromSeconds(1);
        }
        Assert.Equal(1000UL, r.Window.Window);
    }

    [Fact]
    public void Stop_DiscardsData_AndRequestsStopSending()
    {
        var r = NewStream();
        r.OnStreamFrame(0, new byte[100], false, StreamFrame);
        Assert.True(r.Stop(5));
        Assert.True(r.StopSendingPending);
        Assert.Equal(100UL, r.ReleaseUnread());
        // Later data still counts toward flow control but is not buffered.
        Assert.Equal(50UL, r.OnStreamFrame(100, new byte[50], false, StreamFrame));
        Assert.False(r.IsClosed);
        r.OnResetStream(5, 150, 0x04);
        Assert.True(r.IsClosed);
    }
}
