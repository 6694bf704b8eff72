using MoqLive.Quic.Internal;
using MoqLive.Transport;

namespace MoqLive.Quic.Streams;

/// <summary>
/// The bytes of one send stream that are written but not yet acknowledged, addressed by stream offset.
/// Tracks three cursors: data below <see cref="AckedPrefix"/> is acknowledged and released; data in
/// [<see cref="AckedPrefix"/>, <see cref="UnsentOffset"/>) was sent at least once (some of it may be acked out of
/// order, some queued for retransmission); data from <see cref="UnsentOffset"/> to <see cref="WriteOffset"/> was never sent.
/// </summary>
/// <remarks>
/// Holds two kinds of segments. <see cref="Write"/> copies into arrays rented from <see cref="QuicBufferPool"/> (small
/// writes such as object headers share one array); <see cref="WriteShared"/> keeps a reference to the caller's
/// <see cref="ISharedBuffer"/> instead of copying, so a relay writing one cached payload to a thousand subscribers'
/// streams holds it once. Every array goes back to the pool and every shared reference is released exactly once: when
/// the prefix holding it is acknowledged, or at <see cref="Clear"/> (RESET_STREAM, connection closed).
/// </remarks>
internal sealed class SendBuffer
{
    // Copied writes go into an array of at least this size, so that the next ones append to it.
    private const int MinSegment = 4096;

    // Segments in offset order from _head; released ones before _head are compacted away in batches.
    private readonly List<Segment> _segments = new();
    private int _head;
    private readonly RangeSet _acked = new();
    private readonly RangeSet _retransmit = new();
    private ulong _segmentsStart; // offset of _segments[_head]
    private Arena? _arena; // the array copied writes append to

    public ulong WriteOffset { get; private set; }

    public ulong UnsentOffset { get; private set; }

    public ulong AckedPrefix { get; private set; }

    /// <summary>Bytes held (written but not yet acknowledged in order), copied or shared.</summary>
    public ulong Buffered => WriteOffset - _segmentsStart;

    /// <summary>Bytes of the pooled arrays held for copied writes (shared buffers are not counted: they are not ours).</summary>
    public long Capacity
    {
        get
        {
            long capacity = 0;
            Arena? previous = null;
            for (int i = _head; i < _segments.Count; i++)
            {
                if (_segments[i].Arena is { } arena && arena != previous) capacity += arena.Array.Length;
                previous = _segments[i].Arena ?? previous;
            }
            if (_arena is { Live: 0 }) capacity += _arena.Array.Length;
            return capacity;
        }
    }

    public bool HasRetransmits => !_retransmit.IsEmpty;

    public bool HasUnsent => UnsentOffset < WriteOffset;

    public bool IsFullyAcked => AckedPrefix == WriteOffset;

    /// <summary>Copies <paramref name="data"/> into the buffer.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            // Fill the rest of the current array first, then rent one for the remainder: pooled arrays come in powers of
            // two, so 4.2 KB writes would otherwise each hold an 8 KiB array, half of it padding.
            if (_arena is null || _arena.Used == _arena.Array.Length) NextArena(data.Length);
            Arena arena = _arena!;
            int n = Math.Min(arena.Array.Length - arena.Used, data.Length);
            data[..n].CopyTo(arena.Array.AsSpan(arena.Used));
            if (_segments.Count > _head && _segments[^1] is { Arena: { } last } previous && last == arena
                && previous.Offset + previous.Length == arena.Used)
            {
                _segments[^1] = previous with { Length = previous.Length + n };
            }
            else
            {
                _segments.Add(new Segment(WriteOffset, n, arena, null, arena.Used));
                arena.Live++;
            }
            arena.Used += n;
            WriteOffset += (ulong)n;
            data = data[n..];
        }
    }

    /// <summary>
    /// Appends bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>) of
    /// <paramref name="buffer"/> without copying them: the buffer takes its own reference, released when they are
    /// acknowledged or at <see cref="Clear"/>.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The last holder already released <paramref name="buffer"/>.</exception>
    public void WriteShared(ISharedBuffer buffer, int offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, buffer.Memory.Length - offset);
        if (length <= 0) return;
        if (!buffer.TryRetain()) throw new ObjectDisposedException(nameof(ISharedBuffer), "The shared buffer was already released.");
        _segments.Add(new Segment(WriteOffset, length, null, buffer, offset));
        WriteOffset += (ulong)length;
    }

    /// <summary>
    /// Picks the next range to send: lost data first, then new data. New data may not go past <paramref name="maxNewOffset"/>
    /// (flow control). Returns false when there is nothing sendable.
    /// </summary>
    public bool TryNextRange(int maxLength, ulong maxNewOffset, out ulong offset, out int length, out bool isRetransmit)
    {
        if (maxLength > 0 && !_retransmit.IsEmpty)
        {
            var (s, e) = _retransmit[0];
            offset = s;
            length = (int)Math.Min((ulong)maxLength, e - s);
            _retransmit.Remove(s, s + (ulong)length);
            isRetransmit = true;
            return true;
        }
        isRetransmit = false;
        offset = UnsentOffset;
        ulong limit = Math.Min(WriteOffset, maxNewOffset);
        if (maxLength <= 0 || limit <= UnsentOffset)
        {
            length = 0;
            return false;
        }
        length = (int)Math.Min((ulong)maxLength, limit - UnsentOffset);
        UnsentOffset += (ulong)length;
        return true;
    }

    /// <summary>Copies the buffered bytes [offset, offset + destination.Length) into <paramref name="destination"/>.</summary>
    public void CopyTo(ulong offset, Span<byte> destination)
    {
        // Binary search for the segment holding offset, then copy forward.
        int lo = _head, hi = _segments.Count - 1, index = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_segments[mid].Start <= offset)
            {
                index = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        for (int i = Math.Max(index, _head); i >= 0 && i < _segments.Count && !destination.IsEmpty; i++)
        {
            Segment seg = _segments[i];
            ulong segEnd = seg.Start + (ulong)seg.Length;
            if (offset >= segEnd) continue;
            int from = (int)(offset - seg.Start);
            int n = Math.Min(seg.Length - from, destination.Length);
            seg.Bytes.Slice(from, n).CopyTo(destination);
            destination = destination[n..];
            offset += (ulong)n;
        }
        if (!destination.IsEmpty) throw new InvalidOperationException("range is not buffered");
    }

    /// <summary>Marks [offset, offset+length) acknowledged and releases the acknowledged prefix.</summary>
    public void OnAcked(ulong offset, int length)
    {
        // A FIN-only STREAM frame carries no data; with nothing else acknowledged above the prefix there would be no
        // range to look at below.
        ulong end = offset + (ulong)length;
        if (length == 0 || end <= AckedPrefix) return;
        offset = Math.Max(offset, AckedPrefix);
        _acked.Insert(offset, end);
        _retransmit.Remove(offset, end);
        if (_acked[0].Start == AckedPrefix)
        {
            AckedPrefix = _acked[0].End;
            _acked.RemoveFirst();
            while (_head < _segments.Count && _segments[_head].Start + (ulong)_segments[_head].Length <= AckedPrefix)
            {
                _segmentsStart += (ulong)_segments[_head].Length;
                ReleaseSegment(_segments[_head]);
                _segments[_head] = default;
                _head++;
            }
            // The current array stays for the next writes while the stream holds data; an idle or finished stream
            // keeps none.
            if (_head == _segments.Count && _arena is { Live: 0 })
            {
                QuicBufferPool.Shared.Return(_arena.Array);
                _arena = null;
            }
            if (_head > 64 && _head * 2 > _segments.Count)
            {
                _segments.RemoveRange(0, _head);
                _head = 0;
            }
        }
    }

    /// <summary>Queues the not-yet-acknowledged parts of [offset, offset+length) for retransmission.</summary>
    public void OnLost(ulong offset, int length)
    {
        ulong end = offset + (ulong)length;
        if (end <= AckedPrefix) return;
        offset = Math.Max(offset, AckedPrefix);
        foreach (var (s, e) in _acked.Gaps(offset, end).ToList())
        {
            _retransmit.Insert(s, e);
        }
    }

    /// <summary>
    /// Drops all buffered data at once (RESET_STREAM, or the connection closed: nothing is ever sent again), returning
    /// every array and releasing every shared reference.
    /// </summary>
    public void Clear()
    {
        for (int i = _head; i < _segments.Count; i++) ReleaseSegment(_segments[i]);
        if (_arena is not null) QuicBufferPool.Shared.Return(_arena.Array);
        _arena = null;
        _segments.Clear();
        _head = 0;
        _acked.Clear();
        _retransmit.Clear();
        _segmentsStart = WriteOffset;
        UnsentOffset = WriteOffset;
        AckedPrefix = WriteOffset;
    }

    private void NextArena(int wanted)
    {
        // The full array goes back once its last segment is acknowledged (or now, when none is left).
        if (_arena is { Live: 0 }) QuicBufferPool.Shared.Return(_arena.Array);
        else if (_arena is not null) _arena.Retired = true;
        _arena = new Arena(QuicBufferPool.Shared.Rent(Math.Max(MinSegment, wanted)));
    }

    private void ReleaseSegment(in Segment segment)
    {
        if (segment.Shared is { } shared)
        {
            shared.Release();
            return;
        }
        Arena arena = segment.Arena!;
        if (--arena.Live == 0 && arena.Retired) QuicBufferPool.Shared.Return(arena.Array);
    }

    /// <summary>A rented array that copied writes fill in order, and how many segments still use it.</summary>
    private sealed class Arena(byte[] array)
    {
        public byte[] Array { get; } = array;

        public int Used { get; set; }

        public int Live { get; set; }

        public bool Retired { get; set; }
    }

    /// <summary>
    /// Bytes [Start, Start + Length) of the stream: bytes [Offset, Offset + Length) of either a pooled
    /// <see cref="Arena"/> (copied) or a <see cref="Shared"/> buffer we hold one reference to.
    /// </summary>
    private readonly record struct Segment(ulong Start, int Length, Arena? Arena, ISharedBuffer? Shared, int Offset)
    {
        public ReadOnlySpan<byte> Bytes => Shared is not null
            ? Shared.Memory.Span.Slice(Offset, Length)
            : Arena!.Array.AsSpan(Offset, Length);
    }
}
