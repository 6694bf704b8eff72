using MoqLive.Media.Mp4;
using MoqLive.Media.MpegTs;
using MoqLive.Media.Tests.Mp4;
using MoqLive.Testing;

namespace MoqLive.Media.Tests.MpegTs;

/// <summary>
/// The MPEG-TS reader against ffmpeg's own output: testdata/media/testsrc2-simulcast-h264.ts and .mp4 are one encode
/// muxed twice by one ffmpeg run (testdata/media/README.md), so both must demux to the same frames and decoder
/// configuration.
/// </summary>
public sealed class MpegTsReaderTests
{
    private static string MediaPath(string name) => Path.Combine(RepositoryRoot.Path, "testdata", "media", name);

    private static async Task<(Mp4InitSegment Init, List<Mp4Sample> Samples)> ReadAllAsync(IMediaReader reader)
    {
        Mp4InitSegment init = await reader.ReadInitSegmentAsync().AsTask().WithTimeout();
        var samples = new List<Mp4Sample>();
        while (await reader.ReadFragmentAsync().AsTask().WithTimeout() is { } fragment)
            samples.AddRange(fragment.Samples);
        return (init, samples);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(65536)]
    public async Task Read_SimulcastTs_SameFramesAndConfigurationAsTheFragmentedMp4OfTheSameEncode(int chunk)
    {
        (Mp4InitSegment mp4Init, List<Mp4Sample> mp4Samples) = await ReadAllAsync(new FragmentedMp4Reader(File.OpenRead(MediaPath("testsrc2-simulcast-h264.mp4"))));
        IMediaReader reader = await MediaReader.OpenAsync(new ChunkedStream(File.ReadAllBytes(MediaPath("testsrc2-simulcast-h264.ts")), chunk)).AsTask().WithTimeout();
        Assert.IsType<MpegTsReader>(reader);
        (Mp4InitSegment tsInit, List<Mp4Sample> tsSamples) = await ReadAllAsync(reader);

        Assert.Equal(2, tsInit.Tracks.Count);
        Assert.Equal(
            mp4Init.Tracks.Select(t => (t.Kind, t.Codec, t.Width, t.Height, Convert.ToHexString(t.Description!))),
            tsInit.Tracks.Select(t => (t.Kind, t.Codec, t.Width, t.Height, Convert.ToHexString(t.Description!))));
        Assert.Equal([(320, 180), (160, 90)], tsInit.Tracks.Select(t => (t.Width, t.Height)));
        for (int i = 0; i < 2; i++)
        {
            Mp4Track mp4Track = mp4Init.Tracks[i], tsTrack = tsInit.Tracks[i];
            Mp4Sample[] expected = [.. mp4Samples.Where(s => s.TrackId == mp4Track.TrackId)];
            Mp4Sample[] actual = [.. tsSamples.Where(s => s.TrackId == tsTrack.TrackId)];
            Assert.Equal(30, expected.Length);
            Assert.Equal(expected.Length, actual.Length);
            for (int n = 0; n < expected.Length; n++)
            {
                Assert.Equal(expected[n].IsKeyFrame, actual[n].IsKeyFrame);
                Assert.Equal(n % 15 == 0, actual[n].IsKeyFrame);
                Assert.Equal(
                    mp4Track.ToMicroseconds(expected[n].DecodeTime - expected[0].DecodeTime),
                    tsTrack.ToMicroseconds(actual[n].DecodeTime - actual[0].DecodeTime));
                Assert.Equal(0, actual[n].CompositionOffset);
                Assert.Equal(n == 0 ? 0u : 3000u, actual[n].Duration);
                Assert.True(expected[n].Data.Span.SequenceEqual(actual[n].Data.Span), $"track {i} frame {n}: the payloads differ");
            }
        }
    }

    [Fact]
    public async Task OpenAsync_FragmentedMp4_Mp4Reader()
    {
        IMediaReader reader = await MediaReader.OpenAsync(new ChunkedStream(TestMedia.Bytes, 7)).AsTask().WithTimeout();

        Assert.IsType<FragmentedMp4Reader>(reader);
        Assert.Equal(TestMedia.VideoSamples + TestMedia.AudioSamples, (await ReadAllAsync(reader)).Samples.Count);
    }

    [Fact]
    public async Task OpenAsync_NeitherFormat_SaysWhatItAccepts()
    {
        IMediaReader reader = await MediaReader.OpenAsync(new MemoryStream([.. "#EXTM3U\n#EXT-X-VERSION:3\n"u8])).AsTask().WithTimeout();

        var e = await Assert.ThrowsAsync<Mp4FormatException>(() => reader.ReadInitSegmentAsync().AsTask()).WithTimeout();
        Assert.Contains("MPEG-TS", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_TruncatedInsideAPacket_Throws()
    {
        byte[] ts = File.ReadAllBytes(MediaPath("testsrc2-simulcast-h264.ts"));
        var reader = new MpegTsReader(new MemoryStream(ts[..^100]));

        var e = await Assert.ThrowsAsync<MpegTsFormatException>(() => ReadAllAsync(reader)).WithTimeout();
        Assert.Contains("ends inside a transport packet", e.Message, StringComparison.Ordinal);
    }
}
