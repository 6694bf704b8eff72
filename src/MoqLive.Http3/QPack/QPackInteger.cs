using System.Buffers;

namespace MoqLive.Http3.QPack;

/// <summary>
/// Prefixed integers (RFC 7541 §5.1, used unmodified by RFC 9204 §4.1.1): the value fills the low N bits of
/// the first byte when it fits; otherwise those bits are all ones and the rest follows in 7-bit groups, least
/// significant first, with the high bit as continuation flag. QPACK requires values up to 62 bits.
/// </summary>
internal static class QPackInteger
{
    /// <summary>Largest value we decode (RFC 9204 §4.1.1: at least 62 bits must be supported).</summary>
    public const ulong MaxValue = (1UL << 62) - 1;

    /// <summary>
    /// Decodes an integer whose first byte is <c>source[0]</c> with a <paramref name="prefixBits"/>-bit prefix
    /// (1..8; the flag bits above it are ignored). <see cref="OperationStatus.NeedMoreData"/> when truncated,
    /// <see cref="OperationStatus.InvalidData"/> when it exceeds <see cref="MaxValue"/>.
    /// </summary>
    public static OperationStatus Decode(ReadOnlySpan<byte> source, int prefixBits, out ulong value, out int bytesConsumed)
    {
        value = 0;
        bytesConsumed = 0;
        if (source.IsEmpty)
            return OperationStatus.NeedMoreData;

        ulong mask = (1UL << prefixBits) - 1;
        ulong result = source[0] & mask;
        if (result < mask)
        {
            value = result;
            bytesConsumed = 1;
            return OperationStatus.Done;
        }

        int shift = 0;
        for (int i = 1; i < source.Length; i++)
        {
            byte b = source[i];
            ulong group = (ulong)(b & 0x7F);

            // Beyond 62 bits (or a shift that would drop bits) is more than any conforming peer sends.
            if (shift > 56 || (shift > 0 && group > (MaxValue >> shift)))
                return OperationStatus.InvalidData;

            result += group << shift;
            if (result > MaxValue)
                return OperationStatus.InvalidData;

            if ((b & 0x80) == 0)
            {
                value = result;
                bytesConsumed = i + 1;
                return OperationStatus.Done;
            }

            shift += 7;
        }

        return OperationStatus.NeedMoreData;
    }

    /// <summary>Bytes <paramref name="value"/> takes with a <paramref name="prefixBits"/>-bit prefix.</summary>
    public static int GetEncodedLength(ulong value, int prefixBits)
    {
        ulong mask = (1UL << prefixBits) - 1;
        if (value < mask)
            return 1;

        value -= mask;
        int length = 2;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }

        return length;
    }

    /// <summary>
    /// Writes <paramref name="value"/> with a <paramref name="prefixBits"/>-bit prefix; <paramref name="flags"/>
    /// supplies the bits above the prefix in the first byte. Returns the bytes written.
    /// </summary>
    public static int Encode(Span<byte> destination, ulong value, int prefixBits, byte flags)
    {
        ulong mask = (1UL << prefixBits) - 1;
        if (value < mask)
        {
            destination[0] = (byte)(flags | (byte)value);
            return 1;
        }

        destination[0] = (byte)(flags | (byte)mask);
        value -= mask;
        int i = 1;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(0x80 | (value & 0x7F));
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }
}
