using MoqLive.Media.Mp4;
using MoqLive.Media.MpegTs;

namespace MoqLive.Media;

/// <summary>Opens the right <see cref="IMediaReader"/> for an input by its content.</summary>
public static class MediaReader
{
    /// <summary>
    /// Reads the first transport packet's worth of <paramref name="stream"/> (fewer when the input is shorter) and returns
    /// an <see cref="MpegTsReader"/> when it starts with the sync byte 0x47 and, when the bytes reach it, has another at
    /// byte 188 (ISO/IEC 13818-1 §2.4.3.2); otherwise a <see cref="FragmentedMp4Reader"/> (an MP4 box header, or the error
    /// that says the input is neither). The bytes read are replayed to the reader.
    /// </summary>
    public static async ValueTask<IMediaReader> OpenAsync(Stream stream, Mp4ReaderOptions? mp4Options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] head = new byte[MpegTsDemuxer.PacketSize + 1];
        int read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var replay = new PrefixedReadStream(head.AsMemory(0, read), stream);
        bool ts = read > 0 && head[0] == MpegTsDemuxer.SyncByte && (read <= MpegTsDemuxer.PacketSize || head[MpegTsDemuxer.PacketSize] == MpegTsDemuxer.SyncByte);
        return ts ? new MpegTsReader(replay) : new FragmentedMp4Reader(replay, mp4Options);
    }
}
