using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;

namespace MoqLive.Moqt.Wire;

/// <summary>
/// The MOQT variable-length integer, vi64 (draft-ietf-moq-transport-19 §"Variable-Length Integers"): the number
/// of leading 1 bits in the first byte gives the encoded length minus one (0 → 1 byte … 8 → 9 bytes); the
/// remaining bits of the first byte after the first 0, and the following bytes, hold the value in network byte
/// order. Nine bytes (first byte 0xFF) carry a full 64-bit value. Non-minimal encodings are valid.
/// This is not the QUIC varint (RFC 9000 §16).
/// </summary>
public static class Vi64
{
    /// <summary>The longest encoding, in bytes.</summary>
    public const int MaxLength = 9;

    /// <summary>Number of bytes the shortest encoding of <paramref name="value"/> takes (1–9).</summary>
    public static int GetEncodedLength(ulong value)
    {
        // n bytes (n ≤ 8) carry 7n usable bits; 9 bytes carry 64.
        int bits = 64 - BitOperations.LeadingZeroCount(value);
        if (bits <= 56)
            return bits <= 7 ? 1 : (bits + 6) / 7;
        return MaxLength;
    }

    /// <summary>Total encoded length (1–9) announced by the first byte.</summary>
    public static int GetLengthFromFirstByte(byte firstByte)
    {
        int leadingOnes = BitOperations.LeadingZeroCount((uint)(byte)~firstByte) - 24;
        return leadingOnes + 1;
    }

    /// <summary>Largest value an encoding of <paramref name="length"/> bytes can carry.</summary>
    public static ulong MaxValueForLength(int length) =>
        length >= MaxLength ? ulong.MaxValue : (1UL << (7 * length)) - 1;

    /// <summary>Reads a vi64 from the start of <paramref name="source"/>; false when it is truncated.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out ulong value, out int bytesRead)
    {
        if (source.IsEmpty)
        {
            value = 0;
            bytesRead = 0;
            return false;
        }

        int length = GetLengthFromFirstByte(source[0]);
        if (source.Length < length)
        {
            value = 0;
            bytesRead = 0;
            return false;
        }

        value = Decode(source[..length]);
        bytesRead = length;
        return true;
    }

    /// <summary>Reads a vi64 from a <see cref="SequenceReader{T}"/>; false (reader unchanged) when it is truncated.</summary>
    public static bool TryRead(ref SequenceReader<byte> reader, out ulong value)
    {
        value = 0;
        if (!reader.TryPeek(out byte first))
            return false;

        int length = GetLengthFromFirstByte(first);
        if (reader.UnreadSpan.Length >= length)
        {
            value = Decode(reader.UnreadSpan[..length]);
            reader.Advance(length);
            return true;
        }

        Span<byte> buffer = stackalloc byte[MaxLength];
        if (!reader.TryCopyTo(buffer[..length]))
            return false;

        value = Decode(buffer[..length]);
        reader.Advance(length);
        return true;
    }

    private static ulong Decode(ReadOnlySpan<byte> encoded)
    {
        int length = encoded.Length;
        if (length == MaxLength)
            return BinaryPrimitives.ReadUInt64BigEndian(encoded[1..]);

        // The first byte keeps 7 - (length - 1) = 8 - length value bits.
        ulong value = (ulong)(encoded[0] & (0xFF >> length));
        for (int i = 1; i < length; i++)
            value = (value << 8) | encoded[i];
        return value;
    }

    /// <summary>Writes <paramref name="value"/> in its shortest form; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, ulong value) => Write(destination, value, GetEncodedLength(value));

    /// <summary>
    /// Writes <paramref name="value"/> using exactly <paramref name="length"/> bytes (1–9); draft-19 permits
    /// non-minimal encodings.
    /// </summary>
    public static int Write(Span<byte> destination, ulong value, int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxLength);
        if (value > MaxValueForLength(length))
            throw new ArgumentOutOfRangeException(nameof(value), value, $"A {length}-byte vi64 holds at most {MaxValueForLength(length)}.");
        if (destination.Length < length)
            throw new ArgumentException("Destination too short for the vi64.", nameof(destination));

        if (length == MaxLength)
        {
            destination[0] = 0xFF;
            BinaryPrimitives.WriteUInt64BigEndian(destination[1..], value);
            return MaxLength;
        }

        for (int i = length - 1; i >= 1; i--)
        {
            destination[i] = (byte)value;
            value >>= 8;
        }

        // length - 1 leading ones, then a zero, then the top value bits.
        byte prefix = (byte)(0xFF00 >> (length - 1));
        destination[0] = (byte)(prefix | (byte)value);
        return length;
    }

    /// <summary>Writes <paramref name="value"/> into <paramref name="writer"/> in its shortest form.</summary>
    public static void Write(IBufferWriter<byte> writer, ulong value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int written = Write(writer.GetSpan(MaxLength), value);
        writer.Advance(written);
    }
}
