using MoqLive.Quic.Internal;

namespace MoqLive.Quic.Streams;

/// <summary>
/// The bytes of one send stream that are written but not yet acknowledged, addressed by stream offset.
/// Tracks three cursors: data below <see cref="AckedPrefix"/> is acknowledged and released; data in
/// [<see cref="AckedPrefix"/>, <see cref="UnsentOffset"/>) was sent at least once (some of it may be acked out of
/// order, some queued for retransmission); data from <see cref="UnsentOffset"/> to <see cref="WriteOffset"/> was never sent.
/// </summary>
/// <remarks>
/// Owns copies of the written data in arrays rented from <see cref="QuicBufferPool"/>, returned as soon as their
/// prefix is acknowledged or the buffer is cleared (a buffer dropped with data still held leaves its arrays to the GC).
/// </remarks>
internal sealed class SendBuffer
{
    // Small writes go into a segment of at least this size, so that the next ones append to it.
    private const int MinSegment = 4096;

    // Segments in offset order from _head; released ones before _head are compacted away in batches.
    private readonly List<Segment> _segments = new();
    private int _head;
    private readonly RangeSet _acked = new();
    private readonly RangeSet _retransmit = new();
    private ulong _segmentsStart; // offset of _segments.First

    public ulong WriteOffset { get; private set; }

    public ulong UnsentOffset { get; private set; }

    public ulong AckedPrefix { get; private set; }

    /// <summary>Bytes held in memory (written but not yet acknowledged in order).</summary>
    public ulong Buffered => WriteOffset - _segmentsStart;

    /// <summary>Bytes of the pooled arrays held: the memory behind <see cref="Buffered"/>.</summary>
    public long Capacity
    {
        get
        {
            long capacity = 0;
            for (int i = _head; i < _segments.Count; i++) capacity += _segments[i].Array.Length;
            return capacity;
        }
    }

    public bool HasRetransmits => !_retransmit.IsEmpty;

    public bool HasUnsent => UnsentOffset < WriteOffset;

    public bool IsFullyAcked => AckedPrefix == WriteOffset;

    public void Write(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        ulong start = WriteOffset;
        WriteOffset += (ulong)data.Length;
        // Writes fill the rest of the last segment's array first, then one new segment takes the remainder: pooled
        // arrays come in powers of two, so a relay's 4.2 KB objects would otherwise each hold an 8 KiB array, and
        // half of the memory held for unacknowledged data would be padding.
        if (_segments.Count > _head && _segments[^1] is var last && last.Array.Length > last.Length)
        {
            int n = Math.Min(last.Array.Length - last.Length, data.Length);
            data[..n].CopyTo(last.Array.AsSpan(last.Length));
            _segments[^1] = last with { Length = last.Length + n };
            data = data[n..];
            start += (ulong)n;
            if (data.IsEmpty) return;
        }
        byte[] array = QuicBufferPool.Shared.Rent(Math.Max(MinSegment, data.Length));
        data.CopyTo(array);
        _segments.Add(new Segment(start, array, data.Length));
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
            var (segStart, seg, segLength) = _segments[i];
            ulong segEnd = segStart + (ulong)segLength;
            if (offset >= segEnd) continue;
            int from = (int)(offset - segStart);
            int n = Math.Min(segLength - from, destination.Length);
            seg.AsSpan(from, n).CopyTo(destination);
            destination = destination[n..];
            offset += (ulong)n;
        }
        if (!destination.IsEmpty) throw new InvalidOperationException("range is not buffered");
    }

    /// <summary>Marks [offset, offset+length) acknowledged and releases the acknowledged prefix.</summary>
    public void OnAcked(ulong offset, int length)
    {
        ulong end = offset + (ulong)length;
        if (end <= AckedPrefix) return;
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
                QuicBufferPool.Shared.Return(_segments[_head].Array);
                _segments[_head] = default;
                _head++;
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

    /// <summary>Drops all buffered data at once (RESET_STREAM: nothing is ever retransmitted again).</summary>
    public void Clear()
    {
        for (int i = _head; i < _segments.Count; i++) QuicBufferPool.Shared.Return(_segments[i].Array);
        _segments.Clear();
        _head = 0;
        _acked.Clear();
        _retransmit.Clear();
        _segmentsStart = WriteOffset;
        UnsentOffset = WriteOffset;
        AckedPrefix = WriteOffset;
    }

    /// <summary>Bytes [Start, Start + Length) of the stream, held in the first Length bytes of a rented Array.</summary>
    private readonly record struct Segment(ulong Start, byte[] Array, int Length);
}
