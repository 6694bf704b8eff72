using System.Buffers;
using MoqLive.Http3.Frames;
using MoqLive.Transport;
using MoqLive.Transport.Encoding;

namespace MoqLive.Http3.Internal;

/// <summary>
/// Buffers bytes read from a transport receive stream so frames and varints can be parsed with the
/// <c>TryRead…(ref ReadOnlySequence&lt;byte&gt;)</c> readers. Owns one array, grown on demand up to the largest
/// frame the caller accepts. Not thread-safe: one reader loop per stream.
/// </summary>
internal sealed class FrameStreamReader
{
    private const int InitialBufferSize = 4096;

    private readonly ITransportReceiveStream _stream;
    private byte[] _buffer = new byte[InitialBufferSize];
    private int _start;
    private int _end;

    public FrameStreamReader(ITransportReceiveStream stream)
    {
        _stream = stream;
    }

    /// <summary>The stream being read.</summary>
    public ITransportReceiveStream Stream => _stream;

    /// <summary>True once the peer's FIN was read (buffered bytes may remain).</summary>
    public bool IsCompleted { get; private set; }

    /// <summary>Bytes buffered and not yet consumed.</summary>
    public ReadOnlySequence<byte> Buffered => new(_buffer, _start, _end - _start);

    /// <summary>Number of buffered bytes.</summary>
    public int BufferedLength => _end - _start;

    /// <summary>Drops <paramref name="count"/> bytes from the front of the buffer.</summary>
    public void Consume(long count)
    {
        _start += (int)count;
        if (_start == _end)
        {
            _start = 0;
            _end = 0;
        }
    }

    /// <summary>Consumes up to <paramref name="destination"/>.Length buffered bytes into it.</summary>
    public int ConsumeInto(Span<byte> destination)
    {
        int count = Math.Min(destination.Length, BufferedLength);
        _buffer.AsSpan(_start, count).CopyTo(destination);
        Consume(count);
        return count;
    }

    /// <summary>
    /// Reads more bytes, making room for at least <paramref name="wanted"/> buffered bytes in total. Returns
    /// false when the stream ended (FIN) instead.
    /// </summary>
    public async ValueTask<bool> FillAsync(int wanted, CancellationToken cancellationToken)
    {
        if (IsCompleted)
            return false;

        EnsureRoom(wanted);
        int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            IsCompleted = true;
            return false;
        }

        _end += read;
        return true;
    }

    /// <summary>
    /// Reads directly into <paramref name="destination"/> when nothing is buffered (large DATA payloads skip the
    /// buffer). Returns 0 at FIN.
    /// </summary>
    public async ValueTask<int> ReadDirectAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (BufferedLength > 0)
            return ConsumeInto(destination.Span);
        if (IsCompleted)
            return 0;

        int read = await _stream.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
        if (read == 0)
            IsCompleted = true;
        return read;
    }

    /// <summary>Reads one QUIC varint (a stream type or session ID); null when the stream ends first.</summary>
    public async ValueTask<ulong?> ReadVarIntAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var reader = new SequenceReader<byte>(Buffered);
            if (QuicVarInt.TryRead(ref reader, out ulong value))
            {
                Consume(reader.Consumed);
                return value;
            }

            if (!await FillAsync(8, cancellationToken).ConfigureAwait(false))
                return null;
        }
    }

    /// <summary>Reads a frame header; null at a clean FIN between frames. A FIN inside the header is H3_FRAME_ERROR.</summary>
    public async ValueTask<(ulong Type, ulong Length)?> ReadFrameHeaderAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadOnlySequence<byte> buffered = Buffered;
            if (Http3FrameReader.TryReadFrameHeader(ref buffered, out ulong type, out ulong length))
            {
                Consume(BufferedLength - buffered.Length);
                return (type, length);
            }

            if (!await FillAsync(16, cancellationToken).ConfigureAwait(false))
            {
                if (BufferedLength == 0)
                    return null;
                throw TruncatedFrame();
            }
        }
    }

    /// <summary>
    /// Reads a whole payload of <paramref name="length"/> bytes (the caller checked it against its limit) and
    /// returns a copy. A FIN before its end is H3_FRAME_ERROR (RFC 9114 §7.1).
    /// </summary>
    public async ValueTask<byte[]> ReadPayloadAsync(int length, CancellationToken cancellationToken)
    {
        while (BufferedLength < length)
        {
            if (!await FillAsync(length, cancellationToken).ConfigureAwait(false))
                throw TruncatedFrame();
        }

        byte[] payload = _buffer.AsSpan(_start, length).ToArray();
        Consume(length);
        return payload;
    }

    /// <summary>Discards a payload of <paramref name="length"/> bytes without buffering all of it (unknown frames, §9).</summary>
    public async ValueTask SkipAsync(ulong length, CancellationToken cancellationToken)
    {
        while (length > 0)
        {
            if (BufferedLength == 0 && !await FillAsync(1, cancellationToken).ConfigureAwait(false))
                throw TruncatedFrame();

            int count = (int)Math.Min((ulong)BufferedLength, length);
            Consume(count);
            length -= (ulong)count;
        }
    }

    /// <summary>Reads and discards everything until FIN (unknown unidirectional stream types may be drained, §6.2).</summary>
    public async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        Consume(BufferedLength);
        while (await FillAsync(1, cancellationToken).ConfigureAwait(false))
            Consume(BufferedLength);
    }

    private void EnsureRoom(int wanted)
    {
        if (_end < _buffer.Length && _buffer.Length - _start >= wanted)
            return;

        // Compact to the front, growing when the buffered bytes plus one more (or the wanted total) do not fit.
        int buffered = BufferedLength;
        int needed = Math.Max(wanted, buffered + 1);
        byte[] target = needed > _buffer.Length ? new byte[Math.Max(needed, _buffer.Length * 2)] : _buffer;
        Buffer.BlockCopy(_buffer, _start, target, 0, buffered);
        _buffer = target;
        _start = 0;
        _end = buffered;
    }

    private static Http3ConnectionErrorException TruncatedFrame() =>
        new(Http3ErrorCode.FrameError, "The stream ended inside a frame.");
}
