namespace MoqLive.Testbed.Traces;

/// <summary>A mahimahi trace file is malformed; <see cref="LineNumber"/> says where (1-based, 0 for the whole file).</summary>
public sealed class MahimahiTraceFormatException : FormatException
{
    public MahimahiTraceFormatException(string source, int lineNumber, string reason)
        : base(lineNumber > 0 ? $"{source}:{lineNumber}: {reason}" : $"{source}: {reason}")
    {
        TraceName = source;
        LineNumber = lineNumber;
        Reason = reason;
    }

    /// <summary>The trace's name as given to the parser (usually its path).</summary>
    public string TraceName { get; }

    /// <summary>1-based line of the error, or 0 when the error concerns the whole file.</summary>
    public int LineNumber { get; }

    /// <summary>The problem, without the location prefix.</summary>
    public string Reason { get; }
}
