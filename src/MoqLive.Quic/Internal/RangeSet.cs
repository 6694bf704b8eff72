namespace MoqLive.Quic.Internal;

/// <summary>
/// A set of non-overlapping, non-adjacent half-open ranges [start, end) of unsigned integers, kept sorted.
/// Used for received stream data, acknowledged send data and received packet numbers.
/// </summary>
internal sealed class RangeSet
{
    private readonly List<(ulong Start, ulong End)> _ranges = new();

    public int Count => _ranges.Count;

    public bool IsEmpty => _ranges.Count == 0;

    public (ulong Start, ulong End) this[int index] => _ranges[index];

    public ulong? Min => _ranges.Count == 0 ? null : _ranges[0].Start;

    /// <summary>The exclusive upper bound of the highest range, or null when empty.</summary>
    public ulong? Max => _ranges.Count == 0 ? null : _ranges[^1].End;

    public IEnumerable<(ulong Start, ulong End)> Ranges => _ranges;

    public void Clear() => _ranges.Clear();

    public bool Contains(ulong value)
    {
        int i = IndexOfFirstEndAbove(value);
        return i < _ranges.Count && _ranges[i].Start <= value;
    }

    /// <summary>True when [start, end) is entirely contained.</summary>
    public bool ContainsRange(ulong start, ulong end)
    {
        if (start >= end) return true;
        int i = IndexOfFirstEndAbove(start);
        return i < _ranges.Count && _ranges[i].Start <= start && _ranges[i].End >= end;
    }

    /// <summary>Adds [start, end); returns true when anything new was added.</summary>
    public bool Insert(ulong start, ulong end)
    {
        if (start >= end) return false;
        // First range that could touch [start, end): the first whose End >= start.
        int i = IndexOfFirstEndAtOrAbove(start);
        if (i < _ranges.Count && _ranges[i].Start <= start && _ranges[i].End >= end) return false;
        ulong newStart = start, newEnd = end;
        int j = i;
        while (j < _ranges.Count && _ranges[j].Start <= end)
        {
            newStart = Math.Min(newStart, _ranges[j].Start);
            newEnd = Math.Max(newEnd, _ranges[j].End);
            j++;
        }
        _ranges.RemoveRange(i, j - i);
        _ranges.Insert(i, (newStart, newEnd));
        return true;
    }

    /// <summary>Removes [start, end) from the set.</summary>
    public void Remove(ulong start, ulong end)
    {
        if (start >= end) return;
        int i = IndexOfFirstEndAbove(start);
        while (i < _ranges.Count && _ranges[i].Start < end)
        {
            var (s, e) = _ranges[i];
            if (s < start && e > end)
            {
                _ranges[i] = (s, start);
                _ranges.Insert(i + 1, (end, e));
                return;
            }
            if (s < start)
            {
                _ranges[i] = (s, start);
                i++;
            }
            else if (e > end)
            {
                _ranges[i] = (end, e);
                return;
            }
            else
            {
                _ranges.RemoveAt(i);
            }
        }
    }

    /// <summary>Removes the lowest range.</summary>
    public void RemoveFirst() => _ranges.RemoveAt(0);

    /// <summary>Removes everything below <paramref name="value"/>.</summary>
    public void RemoveBelow(ulong value)
    {
        if (value == 0) return;
        Remove(0, value);
    }

    /// <summary>Yields the parts of [start, end) that are NOT in the set, in ascending order.</summary>
    public IEnumerable<(ulong Start, ulong End)> Gaps(ulong start, ulong end)
    {
        ulong cursor = start;
        int i = IndexOfFirstEndAbove(start);
        for (; i < _ranges.Count && cursor < end; i++)
        {
            var (s, e) = _ranges[i];
            if (s >= end) break;
            if (s > cursor) yield return (cursor, s);
            cursor = Math.Max(cursor, e);
        }
        if (cursor < end) yield return (cursor, end);
    }

    // First index whose End > value.
    private int IndexOfFirstEndAbove(ulong value)
    {
        int lo = 0, hi = _ranges.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_ranges[mid].End > value) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    // First index whose End >= value (a range ending exactly at value is adjacent and merges).
    private int IndexOfFirstEndAtOrAbove(ulong value)
    {
        int lo = 0, hi = _ranges.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_ranges[mid].End >= value) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    public override string ToString() => string.Join(",", _ranges.Select(r => $"[{r.Start},{r.End})"));
}
