using MoqLive.Quic.Internal;

namespace MoqLive.Quic.Streams;

/// <summary>
/// Reassembles out-of-order stream data (RFC 9000 §2.2): stores only bytes not received before, tracks the received
/// ranges and hands contiguous data to the reader from <see cref="ReadOffset"/>.
/// </summary>
internal sealed class StreamAssembler
{
    private readonly SortedDictionary<ulong, ReadOnlyMemory<byte>> _chunks = new();
    private readonly RangeSet _received = new();

    public ulong ReadOffset { get; private set; }

    /// <summary>Bytes buffered and not yet read.</summary>
    public ulong Buffered { get; private set; }

    /// <summary>Exclusive end of the highest byte received.</summary>
    public ulong HighestReceived => _received.Max ?? 0;

    /// <summary>True when data is available at <see cref="ReadOffset"/>.</summary>
    public bool HasReadableData => _chunks.Count > 0 && _chunks.Keys.First() == ReadOffset;

    /// <summary>True when every byte in [0, <paramref name="end"/>) has been received.</summary>
    public bool IsCompleteUpTo(ulong end) => end == 0 || _received.ContainsRange(0, end);

    /// <summary>Inserts a frame's payload; duplicate and already-read bytes are ignored.</summary>
    public void Insert(ulong offset, ReadOnlySpan<byte> data)
    {
        ulong end = offset + (ulong)data.Length;
        ulong start = Math.Max(offset, ReadOffset);
        if (start >= end) return;
        // Bytes below ReadOffset are in _received already (prefix), so gaps cover only new data.
        foreach (var (s, e) in _received.Gaps(start, end).ToList())
        {
            var copy = data.Slice((int)(s - offset), (int)(e - s)).ToArray();
            _chunks.Add(s, copy);
            Buffered += e - s;
        }
        _received.Insert(start, end);
    }

    /// <summary>Copies contiguous data from <see cref="ReadOffset"/> into <paramref name="destination"/>; returns the count.</summary>
    public int Read(Span<byte> destination)
    {
        int total = 0;
        while (!destination.IsEmpty && _chunks.Count > 0)
        {
            var first = _chunks.First();
            if (first.Key != ReadOffset) break;
            _chunks.Remove(first.Key);
            var chunk = first.Value;
            int n = Math.Min(chunk.Length, destination.Length);
            chunk.Span[..n].CopyTo(destination);
            destination = destination[n..];
            total += n;
            ReadOffset += (ulong)n;
            Buffered -= (ulong)n;
            if (n < chunk.Length) _chunks.Add(ReadOffset, chunk[n..]);
        }
        return total;
    }

    /// <summary>Discards everything buffered and treats all received data as read (STOP_SENDING or reset).</summary>
    public ulong DiscardAll()
    {
        ulong released = Buffered;
        _chunks.Clear();
        Buffered = 0;
        ReadOffset = Math.Max(ReadOffset, HighestReceived);
        return released;
    }
}
