using MoqLive.Quic.Streams;
using MoqLive.Transport;

namespace MoqLive.Quic.Tests.Streams;

public class StreamsStateTests
{
    private static readonly PeerStreamLimits Generous = new()
    {
        InitialMaxData = 1 << 20,
        InitialMaxStreamDataBidiLocal = 1 << 16,
        InitialMaxStreamDataBidiRemote = 1 << 16,
        InitialMaxStreamDataUni = 1 << 16,
        InitialMaxStreamsBidi = 4,
        InitialMaxStreamsUni = 4,
    };

    private static StreamsState Client(StreamsOptions? options = null)
    {
        var s = new StreamsState(isServer: false, options ?? new StreamsOptions { MaxIncomingBidiStreams = 2, MaxIncomingUniStreams = 2 });
        s.SetPeerLimits(Generous);
        return s;
    }

    [Fact]
    public void TryOpen_AllocatesIdsByRoleAndDirection_UntilLimit()
    {
        var c = Client();
        Assert.Equal(0UL, c.TryOpen(StreamDirection.Bidirectional)!.Value.Value);
        Assert.Equal(4UL, c.TryOpen(StreamDirection.Bidirectional)!.Value.Value);
        Assert.Equal(2UL, c.TryOpen(StreamDirection.Unidirectional)!.Value.Value);
        var server = new StreamsState(true, new StreamsOptions());
        server.SetPeerLimits(Generous);
        Assert.Equal(1UL, server.TryOpen(StreamDirection.Bidirectional)!.Value.Value);
        Assert.Equal(3UL, server.TryOpen(StreamDirection.Unidirectional)!.Value.Value);

        c.TryOpen(StreamDirection.Bidirectional);
        c.TryOpen(StreamDirection.Bidirectional);
        Assert.Null(c.TryOpen(StreamDirection.Bidirectional));
        Assert.True(c.TryPollControlFrame(Instant.Zero, TimeSpan.FromMilliseconds(100), out var f));
        Assert.Equal(StreamControlKind.StreamsBlockedBidi, f.Kind);
        Assert.Equal(4UL, f.Value);
        c.OnMaxStreams(StreamDirection.Bidirectional, 5, 0x12);
        Assert.True(c.TryPollEvent(out var ev));
        Assert.Equal(StreamEventKind.Available, ev.Kind);
        Assert.Equal(16UL, c.TryOpen(StreamDirection.Bidirectional)!.Value.Value);
    }

    [Fact]
    public void PeerStreamBeyondLimit_ThrowsStreamLimitError()
    {
        var c = Client();
        // Server-initiated bidi stream index 2 (ID 9) with a limit of 2.
        var ex = Assert.Throws<QuicProtocolException>(() => c.OnStreamFrame(new StreamId(9), 0, new byte[1], false, 0x08));
        Assert.Equal(TransportErrorCode.StreamLimitError, ex.Code);
    }

    [Fact]
    public void PeerStream_OpensLowerStreamsImplicitly()
    {
        var c = Client();
        c.OnStreamFrame(new StreamId(5), 0, new byte[3], false, 0x08);
        Assert.True(c.TryAccept(StreamDirection.Bidirectional, out var a));
        Assert.True(c.TryAccept(StreamDirection.Bidirectional, out var b));
        Assert.Equal(1UL, a.Value);
        Assert.Equal(5UL, b.Value);
    }

    [Fact]
    public void FramesForWrongDirectionOrUnopened_ThrowStreamStateError()
    {
        var c = Client();
        // STREAM on our own (client) unidirectional stream 2: it is send-only for us.
        c.TryOpen(StreamDirection.Unidirectional);
        Assert.Equal(TransportErrorCode.StreamStateError,
            Assert.Throws<QuicProtocolException>(() => c.OnStreamFrame(new StreamId(2), 0, new byte[1], false, 0x08)).Code);
        // STREAM on a client bidi stream we never opened.
        Assert.Equal(TransportErrorCode.StreamStateError,
            Assert.Throws<QuicProtocolException>(() => c.OnStreamFrame(new StreamId(0), 0, new byte[1], false, 0x08)).Code);
        // STOP_SENDING / MAX_STREAM_DATA on a receive-only (server uni) stream.
        Assert.Equal(TransportErrorCode.StreamStateError,
            Assert.Throws<QuicProtocolException>(() => c.OnStopSending(new StreamId(3), 1, 0x05)).Code);
        Assert.Equal(TransportErrorCode.StreamStateError,
            Assert.Throws<QuicProtocolException>(() => c.OnMaxStreamData(new StreamId(3), 1, 0x11)).Code);
        // RESET_STREAM on our send-only stream.
        Assert.Equal(TransportErrorCode.StreamStateError,
            Assert.Throws<QuicProtocolException>(() => c.OnResetStream(new StreamId(2), 0, 0, 0x04)).Code);
    }

    [Fact]
    public void ConnectionFlowControl_SumOfStreams_ThrowsFlowControlError()
    {
        var c = new StreamsState(false, new StreamsOptions { ConnectionReceiveWindow = 100, StreamReceiveWindow = 80 });
        c.SetPeerLimits(Generous);
        c.OnStreamFrame(new StreamId(1), 0, new byte[60], false, 0x08);
        c.OnStreamFrame(new StreamId(1), 0, new byte[60], false, 0x08); // duplicate: no extra credit used
        var ex = Assert.Throws<QuicProtocolException>(() => c.OnStreamFrame(new StreamId(5), 0, new byte[41], false, 0x08));
        Assert.Equal(TransportErrorCode.FlowControlError, ex.Code);
    }

    [Fact]
    public void ConnectionCredit_LimitsChunks_AndDataBlockedIsSent()
    {
        var c = new StreamsState(false, new StreamsOptions());
        c.SetPeerLimits(Generous with { InitialMaxData = 100 });
        var id = c.TryOpen(StreamDirection.Unidirectional)!.Value;
        Assert.Equal(500, c.Write(id, new byte[500]));
        Assert.True(c.TryPollStreamChunk(1000, out var chunk));
        Assert.Equal(100, chunk.Length);
        Assert.False(c.TryPollStreamChunk(1000, out _));
        Assert.True(c.TryPollControlFrame(Instant.Zero, TimeSpan.FromMilliseconds(1), out var f));
        Assert.Equal(StreamControlKind.DataBlocked, f.Kind);
        c.OnMaxData(1000);
        Assert.True(c.TryPollStreamChunk(1000, out chunk));
        Assert.Equal((100UL, 400), (chunk.Offset, chunk.Length));
    }

    [Fact]
    public void Write_StopsAtStreamCredit_ThenWritableOnMaxStreamData()
    {
        var c = new StreamsState(false, new StreamsOptions());
        c.SetPeerLimits(Generous with { InitialMaxStreamDataUni = 10 });
        var id = c.TryOpen(StreamDirection.Unidirectional)!.Value;
        Assert.Equal(10, c.Write(id, new byte[25]));
        c.OnMaxStreamData(id, 30, 0x11);
        Assert.True(c.TryPollEvent(out var ev));
        Assert.Equal((StreamEventKind.Writable, id), (ev.Kind, ev.Id));
    }

    [Fact]
    public void PeerStreamClosed_GrantsNewStreamViaMaxStreams()
    {
        var c = Client();
        c.OnStreamFrame(new StreamId(3), 0, new byte[5], true, 0x08);
        Assert.Equal(5, c.Read(new StreamId(3), new byte[10], out bool fin));
        Assert.True(fin);
        Assert.True(c.TryPollControlFrame(Instant.Zero, TimeSpan.FromMilliseconds(1), out var f));
        Assert.Equal((StreamControlKind.MaxStreamsUni, 3UL), (f.Kind, f.Value));
        // Late retransmission for the closed stream is ignored.
        c.OnStreamFrame(new StreamId(3), 0, new byte[5], true, 0x08);
    }

    [Fact]
    public void StopSending_ResetsSendSide_AndQueuesResetStream()
    {
        var c = Client();
        var id = c.TryOpen(StreamDirection.Bidirectional)!.Value;
        c.Write(id, new byte[100]);
        c.OnStopSending(id, 77, 0x05);
        Assert.True(c.TryPollEvent(out var ev));
        Assert.Equal((StreamEventKind.Stopped, 77UL), (ev.Kind, ev.ErrorCode));
        Assert.True(c.TryPollControlFrame(Instant.Zero, TimeSpan.FromMilliseconds(1), out var f));
        Assert.Equal((StreamControlKind.ResetStream, 77UL, 0UL), (f.Kind, f.Value, f.FinalSize));
        Assert.False(c.TryPollStreamChunk(1000, out _));
        Assert.Throws<StreamStoppedException>(() => c.Write(id, new byte[1]));
        // Lost RESET_STREAM is sent again.
        c.OnControlFrameLost(f);
        Assert.True(c.TryPollControlFrame(Instant.Zero, TimeSpan.FromMilliseconds(1), out var again));
        Assert.Equal(StreamControlKind.ResetStream, again.Kind);
    }

    [Fact]
    public void Scheduler_HigherUrgencyStreamSentFirst()
    {
        var c = Client();
        var low = c.TryOpen(StreamDirection.Unidirectional, new StreamPriority(5, 0))!.Value;
        var high = c.TryOpen(StreamDirection.Unidirectional, new StreamPriority(1, 0))!.Value;
        c.Write(low, new byte[300]);
        c.Write(high, new byte[300]);
        var ids = new List<StreamId>();
        while (c.TryPollStreamChunk(100, out var ch)) ids.Add(ch.Id);
        Assert.Equal([high, high, high, low, low, low], ids);
    }
}
