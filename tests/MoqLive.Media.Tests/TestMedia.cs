using MoqLive.Testing;

namespace MoqLive.Media.Tests;

/// <summary>The committed test fMP4 (testdata/media/README.md has the ffmpeg command that made it) and facts about it.</summary>
internal static class TestMedia
{
    public const string FileName = "testsrc2-320x180-h264-opus.mp4";

    /// <summary>mdhd timescale of the video track.</summary>
    public const uint VideoTimescale = 15360;

    public const int VideoSamples = 90;

    public const int AudioSamples = 151;

    public static string FilePath => Path.Combine(RepositoryRoot.Path, "testdata", "media", FileName);

    public static byte[] Bytes => File.ReadAllBytes(FilePath);

    /// <summary>The avcC box body, found in the file independently of the demuxer.</summary>
    public static byte[] AvcCBody
    {
        get
        {
            byte[] file = Bytes;
            int type = file.AsSpan().IndexOf("avcC"u8);
            int size = (file[type - 4] << 24) | (file[type - 3] << 16) | (file[type - 2] << 8) | file[type - 1];
            return file.AsSpan(type + 4, size - 8).ToArray();
        }
    }

    /// <summary>Video decode time of frame <paramref name="n"/>: ffmpeg made the first frame 612 ticks long, the rest 512 (30 fps).</summary>
    public static long VideoDecodeTime(int n) => n == 0 ? 0 : 612 + (n - 1) * 512L;

    /// <summary>Reads <paramref name="reader"/> to its end (fuzz tests): null, or the exception the reader threw.</summary>
    public static async Task<Exception?> ReadToEndAsync(IMediaReader reader)
    {
        try
        {
            await reader.ReadInitSegmentAsync();
            while (await reader.ReadFragmentAsync() is not null)
            {
            }

            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
