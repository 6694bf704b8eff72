using System.Globalization;
using System.Text;

namespace MoqLive.Testbed.Traces;

/// <summary>
/// A mahimahi link trace: one line per packet-delivery opportunity, each the time in whole milliseconds since
/// the start of the trace; each opportunity carries up to one MTU (1500 bytes). Times are non-decreasing (several
/// opportunities may share a millisecond) and the trace repeats with a period equal to its last timestamp.
/// </summary>
public sealed class MahimahiTrace
{
    private readonly long[] _ticks;

    private MahimahiTrace(long[] milliseconds)
    {
        Milliseconds = milliseconds;
        _ticks = Array.ConvertAll(milliseconds, ms => ms * TimeSpan.TicksPerMillisecond);
        Period = TimeSpan.FromMilliseconds(milliseconds[^1]);
    }

    /// <summary>The opportunity timestamps, in milliseconds.</summary>
    public IReadOnlyList<long> Milliseconds { get; }

    /// <summary>Length of one loop of the trace (its last timestamp).</summary>
    public TimeSpan Period { get; }

    /// <summary>Average capacity over one period, in bits per second, at 1500 bytes per opportunity.</summary>
    public double AverageBitsPerSecond => Milliseconds.Count * 1500.0 * 8 / Period.TotalSeconds;

    /// <summary>Builds a trace from timestamps, with the same checks as <see cref="Parse(string, string)"/>.</summary>
    public static MahimahiTrace FromMilliseconds(IEnumerable<long> milliseconds, string source = "trace")
    {
        var list = new List<long>();
        foreach (long ms in milliseconds)
        {
            Check(source, list.Count + 1, ms, list.Count > 0 ? list[^1] : 0);
            list.Add(ms);
        }

        return Finish(source, list);
    }

    /// <summary>Parses trace text. <paramref name="source"/> (e.g. the file name) prefixes error messages.</summary>
    /// <exception cref="MahimahiTraceFormatException">With the line number of the first bad line.</exception>
    public static MahimahiTrace Parse(string text, string source = "trace")
    {
        ArgumentNullException.ThrowIfNull(text);
        using var reader = new StringReader(text);
        return Parse(reader, source);
    }

    /// <summary>Parses trace text from a reader.</summary>
    /// <exception cref="MahimahiTraceFormatException">With the line number of the first bad line.</exception>
    public static MahimahiTrace Parse(TextReader reader, string source = "trace")
    {
        ArgumentNullException.ThrowIfNull(reader);
        var list = new List<long>();
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            string trimmed = line.Trim();
            if (trimmed.Length == 0)
            {
                throw new MahimahiTraceFormatException(source, lineNumber, "empty line; expected a timestamp in milliseconds");
            }

            if (!long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out long ms))
            {
                throw new MahimahiTraceFormatException(
                    source, lineNumber, $"'{Truncate(trimmed)}' is not a non-negative integer number of milliseconds");
            }

            Check(source, lineNumber, ms, list.Count > 0 ? list[^1] : 0);
            list.Add(ms);
        }

        return Finish(source, list);
    }

    /// <summary>Reads and parses a trace file; errors name the file and line.</summary>
    public static MahimahiTrace Load(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        return Parse(reader, path);
    }

    /// <summary>The trace as mahimahi text: one timestamp per line, each line ending in '\n'.</summary>
    public string ToText()
    {
        var builder = new StringBuilder(Milliseconds.Count * 6);
        foreach (long ms in Milliseconds)
        {
            builder.Append(ms.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>Time of opportunity number <paramref name="index"/>, counting across loops from 0.</summary>
    internal TimeSpan OpportunityTime(long index)
    {
        long cycle = index / _ticks.Length;
        int k = (int)(index % _ticks.Length);
        return TimeSpan.FromTicks((cycle * Period.Ticks) + _ticks[k]);
    }

    /// <summary>Index of the first opportunity at or after <paramref name="time"/> (time ≥ 0).</summary>
    internal long FirstOpportunityAtOrAfter(TimeSpan time)
    {
        long t = Math.Max(0, time.Ticks);
        long cycle = t / Period.Ticks;
        long offset = t - (cycle * Period.Ticks);
        int k = LowerBound(offset);
        if (k == _ticks.Length)
        {
            cycle++;
            k = 0;
        }

        return (cycle * _ticks.Length) + k;
    }

    /// <summary>Delivery opportunities in [<paramref name="from"/>, <paramref name="to"/>), counting across loops.</summary>
    public long OpportunitiesBetween(TimeSpan from, TimeSpan to) =>
        to <= from ? 0 : FirstOpportunityAtOrAfter(to) - FirstOpportunityAtOrAfter(from);

    private int LowerBound(long value)
    {
        int lo = 0, hi = _ticks.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_ticks[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static void Check(string source, int lineNumber, long ms, long previous)
    {
        if (ms < 0)
        {
            throw new MahimahiTraceFormatException(source, lineNumber, $"timestamp {ms} is negative");
        }

        if (ms < previous)
        {
            throw new MahimahiTraceFormatException(
                source, lineNumber, $"timestamp {ms} ms is before the previous line's {previous} ms; timestamps must not decrease");
        }
    }

    private static MahimahiTrace Finish(string source, List<long> list)
    {
        if (list.Count == 0)
        {
            throw new MahimahiTraceFormatException(source, 0, "the trace has no lines; it needs at least one delivery opportunity");
        }

        if (list[^1] == 0)
        {
            throw new MahimahiTraceFormatException(
                source, list.Count, "the last timestamp is 0 ms; it sets the loop period and must be positive");
        }

        return new MahimahiTrace(list.ToArray());
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
