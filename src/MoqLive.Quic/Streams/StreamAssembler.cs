using System.Runtime.InteropServices;
using MoqLive.Quic.Internal;

namespace MoqLive.Quic.Streams;

/// <summary>
/// Reassembles out-of-order stream data (RFC 9000 §2.2): stores only bytes not received before, tracks the received
/// ranges and hands contiguous data to the reader from <see cref="ReadOffset"/>.
/// </summary>
/// <remarks>
/// Each stored chunk is a copy in an array rented from <see cref="QuicBufferPool"/>, owned by the assembler and
/// returned when the chunk is read or discarded (an assembler dropped with data still buffered leaves its arrays to
/// the GC). Chunks are kept in offset order in a list: data arriving in order is appended, the reader takes from the
/// front, and only out-of-order data pays for a search.
/// In-order data fills the last chunk's array while it has room, and each new array of a stream that keeps filling
/// them is twice the last (4 KiB up to 64 KiB): a bulk stream holds one array per 64 KiB buffered instead of one per
/// STREAM frame, so a full 16 MiB window stays within what the pool keeps, while a stream of small objects holds 4 KiB.
/// </remarks>
internal sealed class StreamAssembler
{
    private const int MinArray = 4 * 1024;
    private const int MaxArray = 64 * 1024;

    // Unread chunks from _head on, in offset order and non-overlapping.
    private readonly List<Chunk> _chunks = new();
    private readonly RangeSet _received = new();
    private int _head;

    public ulong ReadOffset { get; private set; }

    /// <summary>Bytes buffered and not yet read.</summary>
    public ulong Buffered { get; private set; }

    /// <summary>Exclusive end of the highest byte received.</summary>
    public ulong HighestReceived => _received.Max ?? 0;

    /// <summary>True when data is available at <see cref="ReadOffset"/>.</summary>
    public bool HasReadableData => _head < _chunks.Count && _chunks[_head].Offset == ReadOffset;

    /// <summary>True when every byte in [0, <paramref name="end"/>) has been received.</summary>
    public bool IsCompleteUpTo(ulong end) => end == 0 || _received.ContainsRange(0, end);

    /// <summary>Inserts a frame's payload; duplicate and already-read bytes are ignored.</summary>
    public void Insert(ulong offset, ReadOnlySpan<byte> data)
    {
        ulong end = offset + (ulong)data.Length;
        ulong start = Math.Max(offset, ReadOffset);
        if (start >= end) return;
        if (start >= HighestReceived)
        {
            // Beyond everything received (in order, the common case): appended to the last chunk or in a new one.
            Append(start, data[(int)(start - offset)..]);
            Buffered += end - start;
        }
        else
        {
            // Bytes below ReadOffset are in _received already (prefix), so gaps cover only new data.
            foreach (var (s, e) in _received.Gaps(start, end).ToList())
            {
                _chunks.Insert(IndexAfter(s), Chunk.CopyOf(s, data.Slice((int)(s - offset), (int)(e - s)), 0));
                Buffered += e - s;
            }
        }
        _received.Insert(start, end);
    }

    private void Append(ulong offset, ReadOnlySpan<byte> data)
    {
        int arraySize = MinArray;
        if (_chunks.Count > _head)
        {
            ref var last = ref CollectionsMarshal.AsSpan(_chunks)[^1];
            int free = last.Array.Length - last.Start - last.Length;
            if (last.Offset + (ulong)last.Length == offset && free > 0)
            {
                int n = Math.Min(free, data.Length);
                data[..n].CopyTo(last.Array.AsSpan(last.Start + last.Length));
                last = last with { Length = last.Length + n };
                offset += (ulong)n;
                data = data[n..];
                if (data.IsEmpty) return;
            }

            // The stream keeps filling arrays: a bigger one next time (fewer chunks, fewer rents).
            arraySize = Math.Min(MaxArray, Math.Max(MinArray, last.Array.Length * 2));
        }

        _chunks.Add(Chunk.CopyOf(offset, data, arraySize));
    }

    /// <summary>Copies contiguous data from <see cref="ReadOffset"/> into <paramref name="destination"/>; returns the count.</summary>
    public int Read(Span<byte> destination)
    {
        int total = 0;
        var chunks = CollectionsMarshal.AsSpan(_chunks);
        while (!destination.IsEmpty && _head < chunks.Length && chunks[_head].Offset == ReadOffset)
        {
            ref var chunk = ref chunks[_head];
            int n = Math.Min(chunk.Length, destination.Length);
            chunk.Array.AsSpan(chunk.Start, n).CopyTo(destination);
            destination = destination[n..];
            total += n;
            ReadOffset += (ulong)n;
            Buffered -= (ulong)n;
            if (n < chunk.Length)
            {
                chunk = chunk with { Offset = chunk.Offset + (ulong)n, Start = chunk.Start + n, Length = chunk.Length - n };
                break;
            }
            QuicBufferPool.Shared.Return(chunk.Array);
            chunk = default;
            _head++;
        }
        if (_head == _chunks.Count || (_head > 64 && _head * 2 > _chunks.Count))
        {
            _chunks.RemoveRange(0, _head);
            _head = 0;
        }
        return total;
    }

    /// <summary>Discards everything buffered and treats all received data as read (STOP_SENDING or reset).</summary>
    public ulong DiscardAll()
    {
        ulong released = Buffered;
        for (int i = _head; i < _chunks.Count; i++) QuicBufferPool.Shared.Return(_chunks[i].Array);
        _chunks.Clear();
        _head = 0;
        Buffered = 0;
        ReadOffset = Math.Max(ReadOffset, HighestReceived);
        return released;
    }

    /// <summary>Where a chunk starting at <paramref name="offset"/> goes: after every unread chunk that starts below it.</summary>
    private int IndexAfter(ulong offset)
    {
        int lo = _head, hi = _chunks.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_chunks[mid].Offset < offset) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private readonly record struct Chunk(ulong Offset, byte[] Array, int Start, int Length)
    {
        /// <summary>A chunk holding a copy of <paramref name="data"/> in an array of at least <paramref name="arraySize"/> bytes.</summary>
        public static Chunk CopyOf(ulong offset, ReadOnlySpan<byte> data, int arraySize)
        {
            byte[] array = QuicBufferPool.Shared.Rent(Math.Max(data.Length, arraySize));
            data.CopyTo(array);
            return new Chunk(offset, array, 0, data.Length);
        }
    }
}
