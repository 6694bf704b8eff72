using MoqLive.Transport.Encoding;

namespace MoqLive.Quic.Frames;

/// <summary>Small encoding helpers shared by the frame writers.</summary>
internal static class FrameWriting
{
    /// <summary>Varint length of a frame type or field value.</summary>
    public static int VarIntLength(ulong value) => QuicVarInt.GetEncodedLength(value);

    /// <summary>Writes a varint at <paramref name="offset"/> and returns the new offset.</summary>
    public static int WriteVarInt(Span<byte> destination, int offset, ulong value) =>
        offset + QuicVarInt.Write(destination[offset..], value);

    /// <summary>Writes bytes at <paramref name="offset"/> and returns the new offset.</summary>
    public static int WriteBytes(Span<byte> destination, int offset, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[offset..]);
        return offset + bytes.Length;
    }

    /// <summary>
    /// Largest n such that n plus the varint length of n is at most <paramref name="available"/>; -1 when not even
    /// an empty length-prefixed payload fits. Used for "how much data fits" when a Length field precedes the data.
    /// </summary>
    public static long MaxLengthPrefixedPayload(long available)
    {
        if (available < 1)
            return -1;
        long best = 0;
        ReadOnlySpan<(int Size, long Max)> forms = [(1, 63), (2, 16_383), (4, 1_073_741_823), (8, (long)QuicVarInt.MaxValue)];
        foreach (var (size, max) in forms)
        {
            long candidate = Math.Min(available - size, max);
            if (candidate > best)
                best = candidate;
        }

        return best;
    }
}
