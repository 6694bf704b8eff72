using System.Buffers.Binary;
using MoqLive.Media.Mp4;
using static MoqLive.Media.Tests.Mp4.Mp4Builder;

namespace MoqLive.Media.Tests.Mp4;

public sealed class FragmentedMp4ReaderTests
{
    private const uint Sync = 0x02000000;      // sample_depends_on = 2 (an I-frame), sync
    private const uint NonSync = 0x01010000;   // sample_depends_on = 1, sample_is_non_sync_sample

    private static async Task<(Mp4InitSegment Init, List<Mp4Fragment> Fragments)> ReadAllAsync(Stream stream, Mp4ReaderOptions? options = null)
    {
        var reader = new FragmentedMp4Reader(stream, options);
        Mp4InitSegment init = await reader.ReadInitSegmentAsync();
        var fragments = new List<Mp4Fragment>();
        while (await reader.ReadFragmentAsync() is { } fragment)
            fragments.Add(fragment);
        return (init, fragments);
    }

    private static byte[] VideoInit(uint trexFlags = NonSync) =>
        [.. Ftyp(), .. Moov([Trak(1, "vide", 90000, Avc1(640, 360, AvcC()))], [Trex(1, 3000, 8, trexFlags)])];

    [Fact]
    public async Task ReadInitSegment_TestFile_HasH264AndOpusTracks()
    {
        (Mp4InitSegment init, _) = await ReadAllAsync(new MemoryStream(TestMedia.Bytes));

        Mp4Track video = Assert.IsType<Mp4Track>(init.Video);
        Assert.Equal("avc1", video.SampleEntry);
        Assert.Equal("avc1.64000d", video.Codec); // High profile (0x64), level 1.3 (0x0d), from the avcC
        Assert.Equal(TestMedia.AvcCBody, video.Description);
        Assert.Equal((320, 180), (video.Width, video.Height));
        Assert.Equal(TestMedia.VideoTimescale, video.Timescale);

        Mp4Track audio = Assert.IsType<Mp4Track>(init.Audio);
        Assert.Equal("opus", audio.Codec);
        Assert.Equal((2, 48000), (audio.ChannelCount, audio.SampleRate));
        Assert.Equal(48000u, audio.Timescale);
        // RFC 7845 §5.1 identification header: magic, version 1, channel count, then little-endian fields.
        Assert.Equal("OpusHead"u8.ToArray(), audio.Description![..8]);
        Assert.Equal(1, audio.Description[8]);
        Assert.Equal(2, audio.Description[9]);
        Assert.Equal(48000u, BinaryPrimitives.ReadUInt32LittleEndian(audio.Description.AsSpan(12)));
    }

    [Fact]
    public async Task ReadFragments_TestFile_SamplesKeyFramesAndTimestamps()
    {
        (Mp4InitSegment init, List<Mp4Fragment> fragments) = await ReadAllAsync(new MemoryStream(TestMedia.Bytes));

        Assert.Equal(3, fragments.Count);
        Assert.Equal([1u, 2u, 3u], fragments.Select(f => f.SequenceNumber));
        Mp4Sample[] video = [.. fragments.SelectMany(f => f.Samples).Where(s => s.TrackId == init.Video!.TrackId)];
        Mp4Sample[] audio = [.. fragments.SelectMany(f => f.Samples).Where(s => s.TrackId == init.Audio!.TrackId)];
        Assert.Equal(TestMedia.VideoSamples, video.Length);
        Assert.Equal(TestMedia.AudioSamples, audio.Length);
        // One key frame per GOP of 30 (-g 30), each fragment starting with one (frag_keyframe).
        Assert.Equal([0, 30, 60], video.Select((s, i) => (s, i)).Where(x => x.s.IsKeyFrame).Select(x => x.i));
        Assert.All(fragments, f => Assert.True(f.Samples.First(s => s.TrackId == init.Video!.TrackId).IsKeyFrame));
        for (int i = 0; i < video.Length; i++)
        {
            Assert.Equal(TestMedia.VideoDecodeTime(i), video[i].DecodeTime);
            Assert.Equal(video[i].DecodeTime, video[i].PresentationTime); // -bf 0: no reordering
        }
        Assert.All(audio, s => Assert.True(s.IsKeyFrame));
        Assert.Equal(Enumerable.Range(0, TestMedia.AudioSamples).Select(i => i * 960L), audio.Select(s => s.DecodeTime));
        Assert.All(audio.SkipLast(1), s => Assert.Equal(960u, s.Duration));
        // H.264 samples are length-prefixed NAL units (avc format) that exactly fill the sample.
        Assert.All(video, s =>
        {
            int at = 0;
            while (at < s.Data.Length)
                at += 4 + (int)BinaryPrimitives.ReadUInt32BigEndian(s.Data.Span[at..]);
            Assert.Equal(s.Data.Length, at);
        });
        Assert.Equal(5, FirstSliceType(video[0].Data.Span));
    }

    private static int FirstSliceType(ReadOnlySpan<byte> sample)
    {
        // The key frame's NAL units include an IDR slice (type 5); find it past any SEI.
        int at = 0;
        while (at < sample.Length)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(sample[at..]);
            if ((sample[at + 4] & 0x1F) == 5)
                return 5;
            at += 4 + length;
        }
        return -1;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task ReadFragments_PipeInSmallReads_SameAsWholeFile(int chunk)
    {
        (_, List<Mp4Fragment> whole) = await ReadAllAsync(new MemoryStream(TestMedia.Bytes));
        (_, List<Mp4Fragment> piped) = await ReadAllAsync(new ChunkedStream(TestMedia.Bytes, chunk));

        Assert.Equal(whole.Count, piped.Count);
        for (int f = 0; f < whole.Count; f++)
        {
            Assert.Equal(whole[f].Samples.Count, piped[f].Samples.Count);
            for (int i = 0; i < whole[f].Samples.Count; i++)
            {
                Mp4Sample a = whole[f].Samples[i], b = piped[f].Samples[i];
                Assert.Equal((a.TrackId, a.DecodeTime, a.Duration, a.IsKeyFrame), (b.TrackId, b.DecodeTime, b.Duration, b.IsKeyFrame));
                Assert.True(a.Data.Span.SequenceEqual(b.Data.Span));
            }
        }
    }

    public static TheoryData<uint, uint> TrunFlagCombinations()
    {
        var data = new TheoryData<uint, uint>();
        // Every combination of the per-sample fields and first_sample_flags, with each way of finding the data.
        foreach (uint tfhd in new uint[] { 0x020000, 0x000000, 0x000001, 0x02003A })
        {
            for (uint bits = 0; bits < 32; bits++)
            {
                uint trun = ((bits & 1) != 0 ? 0x004u : 0) | ((bits & 2) != 0 ? 0x100u : 0) | ((bits & 4) != 0 ? 0x200u : 0)
                    | ((bits & 8) != 0 ? 0x400u : 0) | ((bits & 16) != 0 ? 0x800u : 0);
                data.Add(tfhd, trun | 0x001);
                if ((tfhd & 0x1) != 0)
                    data.Add(tfhd, trun); // base_data_offset points at the data itself
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(TrunFlagCombinations))]
    public async Task ReadFragment_TrunFlagCombination_UsesPerSampleOrDefaultValues(uint tfhdFlags, uint trunFlags)
    {
        Sample[] samples =
        [
            new(3000, [1, 1, 1, 1, 1, 1, 1, 1], Sync, 6000),
            new(3000, [2, 2, 2, 2, 2, 2, 2, 2], NonSync, -3000),
            new(3000, [3, 3, 3, 3, 3, 3, 3, 3], NonSync, 3000),
        ];
        byte[] init = VideoInit(trexFlags: NonSync);
        // With per-sample sizes absent, every sample has the default size (8); durations default to 3000 either way.
        byte[] fragment = Fragment(7, 1, 90000, tfhdFlags, trunFlags, samples, defaultDuration: 3000, defaultSize: 8, defaultFlags: NonSync,
            trunVersion: 1, fileOffset: init.Length);

        (_, List<Mp4Fragment> fragments) = await ReadAllAsync(new MemoryStream([.. init, .. fragment]));

        Mp4Sample[] read = [.. Assert.Single(fragments).Samples];
        Assert.Equal(3, read.Length);
        bool firstFlags = (trunFlags & 0x004) != 0, perSampleFlags = (trunFlags & 0x400) != 0, offsets = (trunFlags & 0x800) != 0;
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(90000 + 3000L * i, read[i].DecodeTime);
            Assert.Equal(3000u, read[i].Duration);
            Assert.Equal(samples[i].Data, read[i].Data.ToArray());
            Assert.Equal(offsets ? samples[i].CompositionOffset : 0, read[i].CompositionOffset);
            bool expectKey = i == 0 && (firstFlags || perSampleFlags);
            Assert.Equal(expectKey, read[i].IsKeyFrame);
        }
    }

    [Fact]
    public async Task ReadFragment_NoTfdt_ContinuesFromPreviousFragment()
    {
        byte[] init = VideoInit();
        Sample[] samples = [new(3000, [1, 2, 3], Sync), new(3000, [4, 5], NonSync)];
        byte[] first = Fragment(1, 1, 0, 0x020000, 0x305, samples);
        byte[] second = Fragment(2, 1, 0, 0x020000, 0x305, samples);
        // Remove the second fragment's tfdt (20 bytes) and fix the sizes of moof and traf and the trun data offset.
        second = WithoutTfdt(second);

        (_, List<Mp4Fragment> fragments) = await ReadAllAsync(new MemoryStream([.. init, .. first, .. second]));

        Assert.Equal([0L, 3000L, 6000L, 9000L], fragments.SelectMany(f => f.Samples).Select(s => s.DecodeTime));
    }

    private static byte[] WithoutTfdt(byte[] fragment)
    {
        int tfdt = fragment.AsSpan().IndexOf("tfdt"u8) - 4;
        byte[] result = [.. fragment[..tfdt], .. fragment[(tfdt + 20)..]];
        AddToSize(result, 0, -20);                                          // moof
        AddToSize(result, result.AsSpan().IndexOf("traf"u8) - 4, -20);      // traf
        int trun = result.AsSpan().IndexOf("trun"u8) - 4;
        AddToSize(result, trun + 16, -20);                                  // trun data_offset
        return result;

        static void AddToSize(byte[] b, int at, int delta) =>
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(at), (uint)((int)BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(at)) + delta));
    }

    [Fact]
    public async Task ReadInitSegment_Vp09_CodecStringFromVpcC()
    {
        byte[] file = [.. Ftyp(), .. Moov([Trak(1, "vide", 1000, Vp09(1280, 720, 0, 10, 8))], [Trex(1)])];

        Mp4InitSegment init = await new FragmentedMp4Reader(new MemoryStream(file)).ReadInitSegmentAsync();

        Mp4Track video = Assert.Single(init.Tracks);
        Assert.Equal("vp09.00.10.08", video.Codec);
        Assert.Null(video.Description);
        Assert.Equal((1280, 720), (video.Width, video.Height));
    }

    [Fact]
    public async Task ReadInitSegment_OpusOnly_AudioTrackWithOpusHead()
    {
        byte[] file = [.. Ftyp(), .. Moov([Trak(2, "soun", 48000, Opus(1, 312))], [Trex(2)])];

        Mp4InitSegment init = await new FragmentedMp4Reader(new MemoryStream(file)).ReadInitSegmentAsync();

        Assert.Null(init.Video);
        Mp4Track audio = Assert.IsType<Mp4Track>(init.Audio);
        Assert.Equal(1, audio.ChannelCount);
        Assert.Equal(312, BinaryPrimitives.ReadUInt16LittleEndian(audio.Description.AsSpan(10)));
    }

    [Fact]
    public async Task ReadInitSegment_Aac_SaysToUseLibopus()
    {
        byte[] file = [.. Ftyp(), .. Moov([Trak(1, "vide", 90000, Avc1(640, 360, AvcC())), Trak(2, "soun", 44100, Mp4a())], [Trex(1), Trex(2)])];

        var e = await Assert.ThrowsAsync<Mp4FormatException>(() => new FragmentedMp4Reader(new MemoryStream(file)).ReadInitSegmentAsync().AsTask());

        Assert.Contains("AAC", e.Message, StringComparison.Ordinal);
        Assert.Contains("-c:a libopus", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadInitSegment_Hevc_SaysWhichVideoCodecsWork()
    {
        byte[] hvc1 = Box("hvc1", Zeros(6), U16(1), Zeros(16), U16(640), U16(360), Zeros(50));
        byte[] file = [.. Ftyp(), .. Moov([Trak(1, "vide", 90000, hvc1)], [Trex(1)])];

        var e = await Assert.ThrowsAsync<Mp4FormatException>(() => new FragmentedMp4Reader(new MemoryStream(file)).ReadInitSegmentAsync().AsTask());

        Assert.Contains("'hvc1'", e.Message, StringComparison.Ordinal);
        Assert.Contains("libx264", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadInitSegment_NoMvex_SaysNotFragmented()
    {
        byte[] file = [.. Ftyp(), .. Box("moov", FullBox("mvhd", 0, 0, Zeros(96)), Trak(1, "vide", 90000, Avc1(640, 360, AvcC())))];

        var e = await Assert.ThrowsAsync<Mp4FormatException>(() => new FragmentedMp4Reader(new MemoryStream(file)).ReadInitSegmentAsync().AsTask());

        Assert.Contains("Not a fragmented MP4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadInitSegment_MdatFirst_SaysNotFragmented()
    {
        byte[] file = [.. Ftyp(), .. Box("mdat", Zeros(100))];

        var e = await Assert.ThrowsAsync<Mp4FormatException>(() => new FragmentedMp4Reader(new MemoryStream(file)).ReadInitSegmentAsync().AsTask());

        Assert.Contains("mdat", e.Message, StringComparison.Ordinal);
        Assert.Contains("frag_keyframe", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadInitSegment_MpegTs_SaysNotMp4()
    {
        byte[] ts = new byte[188 * 4];
        for (int i = 0; i < ts.Length; i += 188)
            ts[i] = 0x47; // MPEG-TS sync bytes

        var e = await Assert.ThrowsAsync<Mp4FormatException>(() => new FragmentedMp4Reader(new MemoryStream(ts)).ReadInitSegmentAsync().AsTask());

        Assert.Contains("not an MP4 file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadInitSegment_MoovOverLimit_FailsBeforeReadingIt()
    {
        // A moov header claiming 1 GiB: the limit check comes before any buffer of that size.
        byte[] file = [.. Ftyp(), .. U32(1u << 30), .. "moov"u8.ToArray()];

        var e = await Assert.ThrowsAsync<Mp4FormatException>(() => new FragmentedMp4Reader(new MemoryStream(file)).ReadInitSegmentAsync().AsTask());

        Assert.Contains("'moov'", e.Message, StringComparison.Ordinal);
        Assert.Contains("limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadFragment_TruncatedMdat_SaysWhereInputEnds()
    {
        byte[] file = [.. TestMedia.Bytes[..60_000]];

        var e = await Assert.ThrowsAsync<Mp4FormatException>(() => ReadAllAsync(new MemoryStream(file)));

        Assert.Contains("ends inside box 'mdat'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadFragment_SampleCountBeyondBox_Rejected()
    {
        byte[] init = VideoInit();
        byte[] fragment = Fragment(1, 1, 0, 0x020000, 0x301, [new(3000, [1, 2, 3], Sync)]);
        int trun = fragment.AsSpan().IndexOf("trun"u8) - 4;
        BinaryPrimitives.WriteUInt32BigEndian(fragment.AsSpan(trun + 12), 0x40000000); // sample_count

        var e = await Assert.ThrowsAsync<Mp4FormatException>(() => ReadAllAsync(new MemoryStream([.. init, .. fragment])));

        Assert.Contains("moof/traf/trun", e.Message, StringComparison.Ordinal);
        Assert.Contains("sample_count", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadFragment_SampleOutsideMdat_Rejected()
    {
        byte[] init = VideoInit();
        byte[] fragment = Fragment(1, 1, 0, 0x020000, 0x301, [new(3000, [1, 2, 3], Sync)]);
        int trun = fragment.AsSpan().IndexOf("trun"u8) - 4;
        BinaryPrimitives.WriteUInt32BigEndian(fragment.AsSpan(trun + 24), 1000); // sample_size

        var e = await Assert.ThrowsAsync<Mp4FormatException>(() => ReadAllAsync(new MemoryStream([.. init, .. fragment])));

        Assert.Contains("outside the mdat", e.Message, StringComparison.Ordinal);
    }
}
