using System.Buffers;
using System.Buffers.Binary;

namespace MoqLive.Media.Mp4;

/// <summary>
/// A streaming demuxer for fragmented MP4 (ISO/IEC 14496-12 §8.8): reads a <see cref="Stream"/> front to back without
/// seeking (a file, or ffmpeg writing <c>-movflags frag_keyframe+empty_moov+default_base_moof</c> to a pipe). Call
/// <see cref="ReadInitSegmentAsync"/> once (ftyp + moov), then <see cref="ReadFragmentAsync"/> until it returns null.
/// </summary>
/// <remarks>
/// Every box is size-checked against <see cref="Mp4ReaderOptions"/> before its body is buffered; only ftyp, moov, moof
/// and mdat bodies are buffered, other top-level boxes (free, skip, styp, sidx, prft, emsg, mfra, ...) are skipped in
/// small chunks. Anything malformed throws <see cref="Mp4FormatException"/> naming the box; I/O errors of the stream
/// and cancellation pass through. Not thread-safe.
/// </remarks>
public sealed class FragmentedMp4Reader : IMediaReader
{
    private const int SkipChunk = 16 * 1024;

    private readonly Stream _stream;
    private readonly Mp4ReaderOptions _options;
    private readonly byte[] _header = new byte[16];
    private readonly Dictionary<uint, long> _nextDecodeTime = [];
    private Dictionary<uint, Mp4Track>? _tracks;
    private long _position;

    public FragmentedMp4Reader(Stream stream, Mp4ReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _options = options ?? Mp4ReaderOptions.Default;
        _options.Validate();
    }

    /// <summary>The init segment, once <see cref="ReadInitSegmentAsync"/> returned.</summary>
    public Mp4InitSegment? InitSegment { get; private set; }

    /// <inheritdoc />
    public MediaFormatException NoMediaError() =>
        new Mp4FormatException("The MP4 has no media: it ends after the moov without a movie fragment (moof).");

    /// <summary>Bytes consumed from the stream so far.</summary>
    public long Position => _position;

    /// <summary>Reads up to and including the moov.</summary>
    /// <exception cref="Mp4FormatException">Not a fragmented MP4, a malformed box or an unsupported codec.</exception>
    public async ValueTask<Mp4InitSegment> ReadInitSegmentAsync(CancellationToken cancellationToken = default)
    {
        if (InitSegment is not null)
            throw new InvalidOperationException("The init segment was already read.");
        string? brand = null;
        while (true)
        {
            bool first = _position == 0;
            BoxHeader? next = await ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
            if (next is not { } header)
            {
                throw new Mp4FormatException(_position == 0
                    ? "The input is empty: expected a fragmented MP4."
                    : "Invalid MP4: the input ended before the moov box (is it a fragmented MP4?).");
            }
            if (first && header.Type is not (FourCC.Ftyp or FourCC.Styp or FourCC.Free or FourCC.Skip or FourCC.Moov))
                throw NotMp4(header.Type);
            switch (header.Type)
            {
                case FourCC.Ftyp:
                    byte[] ftyp = await ReadBodyAsync(header, _options.MaxBoxSize, cancellationToken).ConfigureAwait(false);
                    var reader = new Mp4BoxReader(ftyp, "ftyp");
                    brand = FourCC.ToString(reader.ReadUInt32("major_brand"));
                    break;
                case FourCC.Moov:
                    byte[] moov = await ReadBodyAsync(header, _options.MaxBoxSize, cancellationToken).ConfigureAwait(false);
                    (List<Mp4Track> tracks, HashSet<uint> all) = MovieBoxParser.Parse(moov, _options);
                    _tracks = tracks.ToDictionary(t => t.TrackId);
                    foreach (uint id in all)
                        _nextDecodeTime[id] = 0;
                    InitSegment = new Mp4InitSegment(brand ?? "", tracks);
                    return InitSegment;
                case FourCC.Mdat:
                    throw new Mp4FormatException(
                        "Not a fragmented MP4: media data (mdat) comes before the moov. Write fragmented MP4, e.g. ffmpeg ... -f mp4 -movflags frag_keyframe+empty_moov+default_base_moof.");
                case FourCC.Moof:
                    throw new Mp4FormatException("Invalid MP4: a moof comes before the moov.");
                default:
                    if (!FourCC.IsPrintable(header.Type))
                        throw new Mp4FormatException($"Invalid MP4: the box at byte {_position - header.HeaderSize} has type {FourCC.ToString(header.Type)}, which is not a box type.");
                    await SkipBodyAsync(header, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>Reads the next moof and its mdat; null at the end of the stream.</summary>
    /// <exception cref="Mp4FormatException">A malformed or truncated fragment.</exception>
    public async ValueTask<Mp4Fragment?> ReadFragmentAsync(CancellationToken cancellationToken = default)
    {
        if (_tracks is null)
            throw new InvalidOperationException("Read the init segment first.");
        while (true)
        {
            BoxHeader? next = await ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
            if (next is not { } header)
                return null;
            switch (header.Type)
            {
                case FourCC.Moof:
                    long moofOffset = _position - header.HeaderSize;
                    byte[] moof = await ReadBodyAsync(header, _options.MaxBoxSize, cancellationToken).ConfigureAwait(false);
                    (uint sequence, List<MovieFragmentParser.PendingSample> pending) =
                        MovieFragmentParser.Parse(moof, moofOffset, _tracks, _nextDecodeTime, _options);
                    return await ReadMediaDataAsync(sequence, pending, cancellationToken).ConfigureAwait(false);
                case FourCC.Mdat:
                    throw new Mp4FormatException($"Invalid MP4: an mdat at byte {_position - header.HeaderSize} follows no moof.");
                case FourCC.Moov:
                    throw new Mp4FormatException($"Invalid MP4: a second moov at byte {_position - header.HeaderSize}.");
                default:
                    if (!FourCC.IsPrintable(header.Type))
                        throw new Mp4FormatException($"Invalid MP4: the box at byte {_position - header.HeaderSize} has type {FourCC.ToString(header.Type)}, which is not a box type.");
                    await SkipBodyAsync(header, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async ValueTask<Mp4Fragment> ReadMediaDataAsync(uint sequence, List<MovieFragmentParser.PendingSample> pending, CancellationToken cancellationToken)
    {
        while (true)
        {
            BoxHeader? next = await ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
            if (next is not { } header)
                throw new Mp4FormatException($"Invalid MP4: the input ended after moof {sequence}, before its mdat.");
            if (header.Type is FourCC.Moof or FourCC.Moov)
                throw new Mp4FormatException($"Invalid MP4: moof {sequence} is followed by a {FourCC.ToString(header.Type)} instead of its mdat.");
            if (header.Type != FourCC.Mdat)
            {
                await SkipBodyAsync(header, cancellationToken).ConfigureAwait(false);
                continue;
            }

            long start = _position;
            byte[] mdat = await ReadBodyAsync(header, _options.MaxMdatSize, cancellationToken).ConfigureAwait(false);
            var samples = new Mp4Sample[pending.Count];
            for (int i = 0; i < samples.Length; i++)
            {
                MovieFragmentParser.PendingSample p = pending[i];
                long relative = p.Offset - start;
                if (relative < 0 || relative + p.Size > mdat.Length)
                {
                    throw new Mp4FormatException(
                        $"Invalid MP4: moof {sequence}/traf/trun: sample {i} of track {p.TrackId} (bytes {p.Offset}..{p.Offset + p.Size}) lies outside the mdat that follows (bytes {start}..{start + mdat.Length}).");
                }
                samples[i] = new Mp4Sample(p.TrackId, p.DecodeTime, p.CompositionOffset, p.Duration, p.IsKeyFrame, mdat.AsMemory((int)relative, p.Size));
            }
            return new Mp4Fragment(sequence, samples);
        }
    }

    private readonly record struct BoxHeader(uint Type, long Size, int HeaderSize, bool ToEnd)
    {
        public long BodySize => Size - HeaderSize;
    }

    private async ValueTask<BoxHeader?> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        int read = await _stream.ReadAtLeastAsync(_header.AsMemory(0, 8), 8, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read == 0)
            return null;
        long at = _position;
        _position += read;
        if (read < 8)
            throw new Mp4FormatException($"Invalid MP4: the input ends inside a box header at byte {at} ({read} of 8 bytes).");
        ulong size = BinaryPrimitives.ReadUInt32BigEndian(_header);
        uint type = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(4));
        if (at == 0 && !FourCC.IsPrintable(type))
            throw NotMp4(type);
        int headerSize = 8;
        bool toEnd = false;
        if (size == 1)
        {
            // §4.2.2: a 64-bit largesize follows the type.
            int more = await _stream.ReadAtLeastAsync(_header.AsMemory(8, 8), 8, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            _position += more;
            if (more < 8)
                throw new Mp4FormatException($"Invalid MP4: the input ends inside the largesize of box '{FourCC.ToString(type)}' at byte {at}.");
            size = BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(8));
            headerSize = 16;
        }
        else if (size == 0)
        {
            // §4.2.2: size 0 = the box extends to the end of the file; only meaningful for a last mdat.
            if (type != FourCC.Mdat)
                throw new Mp4FormatException($"Invalid MP4: box '{FourCC.ToString(type)}' at byte {at} has size 0 (to the end of the file); only a final mdat may.");
            toEnd = true;
            size = (ulong)headerSize;
        }
        if (size < (ulong)headerSize || size > long.MaxValue)
            throw new Mp4FormatException($"Invalid MP4: box '{FourCC.ToString(type)}' at byte {at} has size {size}, less than its {headerSize}-byte header.");
        return new BoxHeader(type, (long)size, headerSize, toEnd);
    }

    private async ValueTask<byte[]> ReadBodyAsync(BoxHeader header, int limit, CancellationToken cancellationToken)
    {
        long at = _position - header.HeaderSize;
        if (header.ToEnd)
            return await ReadToEndAsync(header, limit, at, cancellationToken).ConfigureAwait(false);
        if (header.BodySize > limit)
            throw new Mp4FormatException($"Invalid MP4: box '{FourCC.ToString(header.Type)}' at byte {at} is {header.Size} bytes, more than the limit of {limit}.");
        byte[] body = new byte[header.BodySize];
        int read = await _stream.ReadAtLeastAsync(body, body.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        _position += read;
        if (read < body.Length)
            throw Truncated(header, at, read);
        return body;
    }

    private async ValueTask<byte[]> ReadToEndAsync(BoxHeader header, int limit, long at, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        while (true)
        {
            Memory<byte> chunk = buffer.GetMemory(SkipChunk);
            int read = await _stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (read == 0)
                return buffer.WrittenSpan.ToArray();
            buffer.Advance(read);
            _position += read;
            if (buffer.WrittenCount > limit)
                throw new Mp4FormatException($"Invalid MP4: box '{FourCC.ToString(header.Type)}' at byte {at} runs to the end of the input and is more than the limit of {limit} bytes.");
        }
    }

    private async ValueTask SkipBodyAsync(BoxHeader header, CancellationToken cancellationToken)
    {
        if (header.ToEnd)
            throw new Mp4FormatException($"Invalid MP4: box '{FourCC.ToString(header.Type)}' has size 0.");
        long at = _position - header.HeaderSize;
        long left = header.BodySize;
        byte[] scratch = ArrayPool<byte>.Shared.Rent(SkipChunk);
        try
        {
            while (left > 0)
            {
                int read = await _stream.ReadAsync(scratch.AsMemory(0, (int)Math.Min(left, scratch.Length)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    throw Truncated(header, at, header.BodySize - left);
                left -= read;
                _position += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static Mp4FormatException Truncated(BoxHeader header, long at, long read) =>
        new($"Invalid MP4: the input ends inside box '{FourCC.ToString(header.Type)}' at byte {at}: {read} of its {header.BodySize} body bytes arrived.");

    private static Mp4FormatException NotMp4(uint type) =>
        new($"The input is not an MP4 file: it starts with '{FourCC.ToString(type)}' instead of an ftyp box. Publish fragmented MP4 (ffmpeg ... -f mp4 -movflags frag_every_frame+empty_moov+default_base_moof -) or MPEG-TS with H.264 (ffmpeg ... -f mpegts -omit_video_pes_length 0 -)");
}
