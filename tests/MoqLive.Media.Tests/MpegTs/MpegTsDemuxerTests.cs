using MoqLive.Media.MpegTs;

namespace MoqLive.Media.Tests.MpegTs;

/// <summary>The sans-IO MPEG-TS demuxer on synthetic transport packets (<see cref="TsBuilder"/>).</summary>
public sealed class MpegTsDemuxerTests
{
    private const int Pid = TsBuilder.VideoPid;

    private static MpegTsDemuxer Demuxer(TsBuilder ts)
    {
        var demuxer = new MpegTsDemuxer();
        demuxer.Push(ts.Pat());
        demuxer.Push(ts.Pmt());
        return demuxer;
    }

    private static void PushAll(MpegTsDemuxer demuxer, IEnumerable<byte[]> packets)
    {
        foreach (byte[] packet in packets)
            demuxer.Push(packet);
    }

    private static List<MpegTsFrame> Drain(MpegTsDemuxer demuxer)
    {
        var frames = new List<MpegTsFrame>();
        while (demuxer.TryReadFrame(out MpegTsFrame frame))
            frames.Add(frame);
        return frames;
    }

    [Fact]
    public void Push_PesWithLength_FrameReleasedByItsLastPacket()
    {
        var ts = new TsBuilder();
        MpegTsDemuxer demuxer = Demuxer(ts);
        List<byte[]> packets = ts.Pes(Pid, 126_000, TsBuilder.AccessUnit(key: true, 500, 0x11));
        Assert.True(packets.Count > 2);

        PushAll(demuxer, packets[..^1]);
        Assert.False(demuxer.TryReadFrame(out _));
        demuxer.Push(packets[^1]);

        // No later packet on the PID: the length says the PES is complete.
        Assert.True(demuxer.TryReadFrame(out MpegTsFrame frame));
        Assert.True(demuxer.IsReady);
        Assert.Equal((Pid, 126_000L, 126_000L, true), (frame.Pid, frame.DecodeTime, frame.PresentationTime, frame.IsKeyFrame));
        Assert.Equal(TsBuilder.LengthPrefixedSlice(true, 500, 0x11), frame.Data.ToArray());
    }

    [Fact]
    public void Push_PesWithoutLength_EndsAtTheNextUnitStartOrTheEnd()
    {
        var ts = new TsBuilder();
        MpegTsDemuxer demuxer = Demuxer(ts);
        PushAll(demuxer, ts.Pes(Pid, 0, TsBuilder.AccessUnit(true, 300, 0x22), withLength: false));
        Assert.False(demuxer.TryReadFrame(out _));

        PushAll(demuxer, ts.Pes(Pid, 3000, TsBuilder.AccessUnit(false, 200, 0x33), withLength: false));
        Assert.Equal([0L], Drain(demuxer).Select(f => f.DecodeTime));

        demuxer.End();
        MpegTsFrame last = Assert.Single(Drain(demuxer));
        Assert.Equal((3000L, false), (last.DecodeTime, last.IsKeyFrame));
        Assert.Equal(TsBuilder.LengthPrefixedSlice(false, 200, 0x33), last.Data.ToArray());
    }

    [Fact]
    public void Push_LargePesOverManyPacketsWithPcrOnlyPackets_OneFrame()
    {
        var ts = new TsBuilder();
        MpegTsDemuxer demuxer = Demuxer(ts);
        List<byte[]> packets = ts.Pes(Pid, 0, TsBuilder.AccessUnit(true, 20_000, 0x44), random: true);
        Assert.True(packets.Count > 100);
        for (int i = 0; i < packets.Count; i++)
        {
            demuxer.Push(packets[i]);
            if (i % 10 == 0)
                demuxer.Push(ts.PcrOnly(Pid, i * 90)); // adaptation field only: the continuity_counter stays
        }

        MpegTsFrame frame = Assert.Single(Drain(demuxer));
        Assert.Equal(TsBuilder.LengthPrefixedSlice(true, 20_000, 0x44), frame.Data.ToArray());
    }

    [Fact]
    public void Push_FramesBeforeTheFirstIdr_Dropped()
    {
        var ts = new TsBuilder();
        MpegTsDemuxer demuxer = Demuxer(ts);
        PushAll(demuxer, ts.Pes(Pid, 0, TsBuilder.AccessUnit(false, 100, 0x55)));
        Assert.False(demuxer.IsReady);
        PushAll(demuxer, ts.Pes(Pid, 3000, TsBuilder.AccessUnit(true, 100, 0x66)));

        MpegTsStream stream = Assert.Single(demuxer.Streams);
        Assert.Equal((320, 180, "avc1.64000d"), (stream.Width, stream.Height, stream.Codec));
        Assert.Equal(TestMedia.AvcCBody, stream.DecoderConfiguration); // the same avcC ffmpeg's mp4 muxer wrote
        Assert.Equal([3000L], Drain(demuxer).Select(f => f.DecodeTime));
    }

    [Fact]
    public void Push_NewPatAndPmtVersionsWithTheSameStreams_Accepted()
    {
        var ts = new TsBuilder();
        MpegTsDemuxer demuxer = Demuxer(ts);
        PushAll(demuxer, ts.Pes(Pid, 0, TsBuilder.AccessUnit(true, 100, 1)));
        demuxer.Push(ts.Pat(version: 1));
        demuxer.Push(ts.Pmt(version: 3));
        demuxer.Push(ts.Pmt(version: 3));
        PushAll(demuxer, ts.Pes(Pid, 3000, TsBuilder.AccessUnit(false, 100, 2)));

        Assert.Equal([0L, 3000L], Drain(demuxer).Select(f => f.DecodeTime));
    }

    [Fact]
    public void Push_PmtVersionChangesStreamsMidStream_Throws()
    {
        var ts = new TsBuilder();
        MpegTsDemuxer demuxer = Demuxer(ts);
        PushAll(demuxer, ts.Pes(Pid, 0, TsBuilder.AccessUnit(true, 100, 1)));

        var e = Assert.Throws<MpegTsFormatException>(() => demuxer.Push(ts.Pmt(version: 1, (MpegTsDemuxer.StreamTypeH264, 0x101))));
        Assert.Contains("changed its streams mid-stream", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Push_AacStream_RefusedNamingTheStreamType()
    {
        var ts = new TsBuilder();
        var demuxer = new MpegTsDemuxer();
        demuxer.Push(ts.Pat());

        var e = Assert.Throws<MpegTsFormatException>(() => demuxer.Push(ts.Pmt(0, (MpegTsDemuxer.StreamTypeH264, Pid), (0x0F, 0x101))));
        Assert.Contains("PID 0x0101: stream_type 0x0F (AAC audio, ADTS)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Push_LostPacket_ContinuityErrorWithPidAndOffset()
    {
        var ts = new TsBuilder();
        MpegTsDemuxer demuxer = Demuxer(ts);
        List<byte[]> packets = ts.Pes(Pid, 0, TsBuilder.AccessUnit(true, 1000, 7));
        demuxer.Push(packets[0]);
        demuxer.Push(packets[1]);

        var e = Assert.Throws<MpegTsFormatException>(() => demuxer.Push(packets[3]));
        Assert.Contains("at byte 752: continuity error on PID 0x0100: continuity_counter 3, expected 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Push_DuplicatePacket_Discarded()
    {
        var ts = new TsBuilder();
        MpegTsDemuxer demuxer = Demuxer(ts);
        List<byte[]> packets = ts.Pes(Pid, 0, TsBuilder.AccessUnit(true, 1000, 7));
        demuxer.Push(packets[0]);
        demuxer.Push(packets[0]); // §2.4.3.3: sent twice
        PushAll(demuxer, packets[1..]);

        Assert.Equal(TsBuilder.LengthPrefixedSlice(true, 1000, 7), Assert.Single(Drain(demuxer)).Data.ToArray());
    }

    [Fact]
    public void Push_BadSyncByte_LostSyncError()
    {
        var ts = new TsBuilder();
        MpegTsDemuxer demuxer = Demuxer(ts);
        byte[] packet = ts.Pes(Pid, 0, TsBuilder.AccessUnit(true, 100, 1))[0];
        packet[0] = 0x48;

        var e = Assert.Throws<MpegTsFormatException>(() => demuxer.Push(packet));
        Assert.Contains("at byte 376: lost sync", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Push_CorruptPatCrc_Throws()
    {
        byte[] pat = new TsBuilder().Pat();
        pat[185] ^= 1; // inside CRC_32 (the section ends the packet; stuffing comes before it)

        var e = Assert.Throws<MpegTsFormatException>(() => new MpegTsDemuxer().Push(pat));
        Assert.Contains("PAT section fails its CRC_32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Push_PayloadAfterACompletePesWithoutUnitStart_Throws()
    {
        var ts = new TsBuilder();
        MpegTsDemuxer demuxer = Demuxer(ts);
        List<byte[]> packets = ts.Pes(Pid, 0, TsBuilder.AccessUnit(true, 400, 9));
        PushAll(demuxer, packets);

        var e = Assert.Throws<MpegTsFormatException>(() => demuxer.Push(ts.Packet(Pid, false, new byte[50])));
        Assert.Contains("carries payload after its PES ended", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Push_TimestampsAcrossThe33BitWrap_KeepIncreasing()
    {
        var ts = new TsBuilder();
        MpegTsDemuxer demuxer = Demuxer(ts);
        const long wrap = 1L << 33;
        long[] times = [wrap - 6000, wrap - 3000, 0, 3000];
        foreach ((long t, int i) in times.Select((t, i) => (t, i)))
            PushAll(demuxer, ts.Pes(Pid, t, TsBuilder.AccessUnit(i == 0, 100, 1)));

        Assert.Equal([wrap - 6000, wrap - 3000, wrap, wrap + 3000], Drain(demuxer).Select(f => f.DecodeTime));
    }

    [Fact]
    public void Push_TwoRenditions_QueuedUntilBothConfigured()
    {
        var ts = new TsBuilder();
        var demuxer = new MpegTsDemuxer();
        demuxer.Push(ts.Pat());
        demuxer.Push(ts.Pmt(0, (MpegTsDemuxer.StreamTypeH264, Pid), (MpegTsDemuxer.StreamTypeH264, 0x101)));
        PushAll(demuxer, ts.Pes(Pid, 0, TsBuilder.AccessUnit(true, 100, 1)));
        Assert.False(demuxer.TryReadFrame(out _)); // 0x101 has no key frame yet
        PushAll(demuxer, ts.Pes(0x101, 0, TsBuilder.AccessUnit(true, 50, 2)));

        Assert.Equal([(Pid, 0L), (0x101, 0L)], Drain(demuxer).Select(f => ((int)f.Pid, f.DecodeTime)));
        Assert.Equal([Pid, 0x101], demuxer.Streams.Select(s => (int)s.Pid));
    }
}
