using System.Buffers;
using System.Buffers.Binary;

namespace MoqLive.Transport.Encoding;

/// <summary>
/// QUIC variable-length integers (RFC 9000 §16): the two high bits of the first byte give the length
/// (1, 2, 4 or 8 bytes), the rest is the value in network byte order. Shared by QUIC, HTTP/3, QPACK-adjacent
/// framing, capsules and WebTransport. (MOQT draft-19 uses a different encoding, vi64.)
/// </summary>
public static class QuicVarInt
{
    /// <summary>Largest encodable value, 2^62 - 1.</summary>
    public const ulong MaxValue = (1UL << 62) - 1;

    /// <summary>Number of bytes the value takes on the wire (1, 2, 4 or 8).</summary>
    public static int GetEncodedLength(ulong value) => value switch
    {
        <= 63 => 1,
        <= 16_383 => 2,
        <= 1_073_741_823 => 4,
        <= MaxValue => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "A QUIC varint holds at most 2^62 - 1."),
    };

    /// <summary>Length of the varint starting with <paramref name="firstByte"/>.</summary>
    public static int GetLengthFromFirstByte(byte firstByte) => 1 << (firstByte >> 6);

    /// <summary>Reads a varint from the start of <paramref name="source"/>; false when it is truncated.</summary>
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

        value = length switch
        {
            1 => source[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(source) & 0x3FFFu,
            4 => BinaryPrimitives.ReadUInt32BigEndian(source) & 0x3FFF_FFFFu,
            _ => BinaryPrimitives.ReadUInt64BigEndian(source) & 0x3FFF_FFFF_FFFF_FFFFUL,
        };
        bytesRead = length;
        return true;
    }

    /// <summary>Reads a varint from a <see cref="SequenceReader{T}"/>; false (reader unchanged) when it is truncated.</summary>
    public static bool TryRead(ref SequenceReader<byte> reader, out ulong value)
    {
        value = 0;
        if (!reader.TryPeek(out byte first))
            return false;

        int length = GetLengthFromFirstByte(first);
        Span<byte> buffer = stackalloc byte[8];
        if (!reader.TryCopyTo(buffer[..length]))
            return false;

        TryRead(buffer[..length], out value, out _);
        reader.Advance(length);
        return true;
    }

    /// <summary>Writes <paramref name="value"/> in its shortest form; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, ulong value) => Write(destination, value, GetEncodedLength(value));

    /// <summary>
    /// Writes <paramref name="value"/> using exactly <paramref name="length"/> bytes (1, 2, 4 or 8), e.g. to
    /// reserve room for a length field before its value is known (RFC 9000 §16 permits non-minimal encodings).
    /// </summary>
    public static int Write(Span<byte> destination, ulong value, int length)
    {
        if (GetEncodedLength(value) > length)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"Value {value} does not fit in {length} bytes.");

        switch (length)
        {
            case 1:
                destination[0] = (byte)value;
                break;
            case 2:
                BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(value | 0x4000));
                break;
            case 4:
                BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)value | 0x8000_0000u);
                break;
            case 8:
                BinaryPrimitives.WriteUInt64BigEndian(destination, value | 0xC000_0000_0000_0000UL);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(length), length, "A QUIC varint is 1, 2, 4 or 8 bytes long.");
        }

        return length;
    }

    /// <summary>Writes <paramref name="value"/> into <paramref name="writer"/> in its shortest form.</summary>
    public static void Write(IBufferWriter<byte> writer, ulong value)
    {
        int length = GetEncodedLength(value);
        Write(writer.GetSpan(length), value, length);
        writer.Advance(length);
    }
}
