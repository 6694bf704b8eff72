using MoqLive.Media.Mp4;

namespace MoqLive.Media.MpegTs;

/// <summary>
/// Reads MPEG-TS from a <see cref="Stream"/> (a file, or ffmpeg writing <c>-f mpegts -omit_video_pes_length 0</c> to a
/// pipe) through <see cref="MpegTsDemuxer"/>, and presents it as <see cref="FragmentedMp4Reader"/> does: an init
/// segment with a video track per H.264 stream (track ID = PID, timescale 90 kHz, the avcC built from SPS and PPS), then
/// one fragment per access unit, returned as soon as the transport packet that completes it has been read.
/// </summary>
/// <remarks>
/// MPEG-TS has no sample durations, and waiting for the next access unit to learn one would cost the frame interval
/// this reader exists to save: each sample's <see cref="Mp4Sample.Duration"/> is the decode-time step from the previous
/// access unit of its stream (0 for the first), which is what the frame rate and bitrate estimates need. Not thread-safe.
/// </remarks>
public sealed class MpegTsReader : IMediaReader
{
    /// <summary>Timescale of PTS and DTS (§2.4.3.7).</summary>
    public const uint Timescale = 90_000;

    private const int ReadSize = 64 * MpegTsDemuxer.PacketSize;

    private readonly Stream _stream;
    private readonly MpegTsDemuxer _demuxer = new();
    private readonly byte[] _buffer = new byte[ReadSize];
    private readonly Dictionary<ushort, long> _lastDecodeTime = [];
    private int _start;
    private int _end;
    private bool _ended;
    private uint _sequence;

    public MpegTsReader(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
    }

    /// <inheritdoc/>
    public Mp4InitSegment? InitSegment { get; private set; }

    /// <inheritdoc />
    public MediaFormatException NoMediaError() =>
        new MpegTsFormatException("The MPEG-TS has no media: it ends right after the first key frame's parameter sets.");

    /// <summary>Bytes consumed from the stream so far.</summary>
    public long Position => _demuxer.Position;

    /// <inheritdoc/>
    /// <exception cref="MpegTsFormatException">Not MPEG-TS, malformed, an unsupported stream, or no H.264 stream.</exception>
    public async ValueTask<Mp4InitSegment> ReadInitSegmentAsync(CancellationToken cancellationToken = default)
    {
        if (InitSegment is not null)
            throw new InvalidOperationException("The init segment was already read.");
        while (!_demuxer.IsReady)
        {
            if (!await PushNextAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new MpegTsFormatException(_demuxer.Position == 0
                    ? "The input is empty: expected MPEG-TS."
                    : $"Invalid MPEG-TS: the input ended after {_demuxer.Position} bytes, before a PAT, its PMTs and an H.264 key frame with SPS and PPS on every stream.");
            }
        }
        var tracks = _demuxer.Streams.Select(s => new Mp4Track
        {
            TrackId = s.Pid,
            Kind = Mp4TrackKind.Video,
            Timescale = Timescale,
            SampleEntry = "avc1",
            Codec = s.Codec,
            Description = s.DecoderConfiguration,
            Width = s.Width,
            Height = s.Height,
        }).ToList();
        InitSegment = new Mp4InitSegment("mpegts", tracks);
        return InitSegment;
    }

    /// <inheritdoc/>
    /// <exception cref="MpegTsFormatException">Malformed input.</exception>
    public async ValueTask<Mp4Fragment?> ReadFragmentAsync(CancellationToken cancellationToken = default)
    {
        if (InitSegment is null)
            throw new InvalidOperationException("Read the init segment first.");
        while (true)
        {
            if (_demuxer.TryReadFrame(out MpegTsFrame frame))
            {
                long duration = _lastDecodeTime.TryGetValue(frame.Pid, out long previous) ? frame.DecodeTime - previous : 0;
                _lastDecodeTime[frame.Pid] = frame.DecodeTime;
                var sample = new Mp4Sample(frame.Pid, frame.DecodeTime, frame.PresentationTime - frame.DecodeTime,
                    (uint)Math.Clamp(duration, 0, uint.MaxValue), frame.IsKeyFrame, frame.Data);
                return new Mp4Fragment(++_sequence, [sample]);
            }
            if (_ended)
                return null;
            if (!await PushNextAsync(cancellationToken).ConfigureAwait(false))
            {
                _demuxer.End();
                _ended = true;
            }
        }
    }

    /// <summary>Pushes the next transport packet, reading more when none is buffered; false at the end of the input.</summary>
    private async ValueTask<bool> PushNextAsync(CancellationToken cancellationToken)
    {
        if (_end - _start < MpegTsDemuxer.PacketSize)
        {
            // Keep the partial packet and read whatever is available: never wait for more than one packet's bytes.
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
            while (_end < MpegTsDemuxer.PacketSize)
            {
                int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    if (_end > 0)
                        throw new MpegTsFormatException($"Invalid MPEG-TS: the input ends inside a transport packet at byte {_demuxer.Position} ({_end} of {MpegTsDemuxer.PacketSize} bytes).");
                    return false;
                }
                _end += read;
            }
        }
        _demuxer.Push(_buffer.AsSpan(_start, MpegTsDemuxer.PacketSize));
        _start += MpegTsDemuxer.PacketSize;
        return true;
    }
}
