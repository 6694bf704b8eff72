using System.Buffers;

namespace MoqLive.Moqt.Tests.Wire;

/// <summary>Builds multi-segment sequences to exercise parsers across buffer boundaries.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Split(byte[] bytes, params int[] cuts)
    {
        var pieces = new List<byte[]>();
        int previous = 0;
        foreach (int cut in cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order())
        {
            pieces.Add(bytes[previous..cut]);
            previous = cut;
        }

        pieces.Add(bytes[previous..]);
        return Create(pieces);
    }

    /// <summary>One segment per byte.</summary>
    public static ReadOnlySequence<byte> Bytewise(byte[] bytes) => Create([.. bytes.Select(b => new[] { b })]);

    public static ReadOnlySequence<byte> Create(IReadOnlyList<byte[]> pieces)
    {
        if (pieces.Count == 0)
            return ReadOnlySequence<byte>.Empty;
        var first = new Segment(pieces[0], 0);
        Segment last = first;
        for (int i = 1; i < pieces.Count; i++)
            last = last.Append(pieces[i]);
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
