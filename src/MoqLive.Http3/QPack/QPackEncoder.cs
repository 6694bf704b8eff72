using System.Buffers;
using System.Text;

namespace MoqLive.Http3.QPack;

/// <summary>
/// Encodes field sections without the dynamic table (RFC 9204 §4.5): Required Insert Count 0 and Base 0, then
/// for each field an indexed static reference when the table holds the exact field, a literal with a static
/// name reference when it holds the name, or a literal with a literal name. String literals are
/// Huffman-encoded when that is shorter. Stateless and thread-safe.
/// </summary>
internal static class QPackEncoder
{
    /// <summary>Writes the encoded field section for <paramref name="fields"/> into <paramref name="writer"/>.</summary>
    public static void Encode(IEnumerable<HeaderField> fields, IBufferWriter<byte> writer)
    {
        // RFC 9204 §4.5.1: Required Insert Count = 0, Sign = 0, Delta Base = 0.
        Span<byte> prefix = writer.GetSpan(2);
        prefix[0] = 0;
        prefix[1] = 0;
        writer.Advance(2);

        foreach (HeaderField field in fields)
            EncodeFieldLine(field, writer);
    }

    /// <summary>Encodes one field line (no prefix).</summary>
    public static void EncodeFieldLine(HeaderField field, IBufferWriter<byte> writer)
    {
        int index = QPackStaticTable.IndexOf(field.Name, field.Value);
        if (index >= 0)
        {
            // RFC 9204 §4.5.2: 1 T=1 Index(6+).
            Span<byte> span = writer.GetSpan(QPackInteger.GetEncodedLength((ulong)index, 6));
            writer.Advance(QPackInteger.Encode(span, (ulong)index, 6, 0xC0));
            return;
        }

        int nameIndex = QPackStaticTable.IndexOfName(field.Name);
        if (nameIndex >= 0)
        {
            // RFC 9204 §4.5.4: 0 1 N=0 T=1 NameIndex(4+), then the value as an 8-bit prefix string.
            Span<byte> span = writer.GetSpan(QPackInteger.GetEncodedLength((ulong)nameIndex, 4));
            writer.Advance(QPackInteger.Encode(span, (ulong)nameIndex, 4, 0x50));
            WriteString(writer, field.Value, 8, 0);
            return;
        }

        // RFC 9204 §4.5.6: 0 0 1 N=0 H NameLen(3+), name, then the value as an 8-bit prefix string.
        WriteString(writer, field.Name, 4, 0x20);
        WriteString(writer, field.Value, 8, 0);
    }

    // An N-bit prefix string literal (RFC 9204 §4.1.2); flags are the bits above the H bit.
    private static void WriteString(IBufferWriter<byte> writer, string value, int prefixBits, byte flags)
    {
        int rawLength = Encoding.Latin1.GetByteCount(value);
        byte[] rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, rawLength));
        try
        {
            int length = Encoding.Latin1.GetBytes(value, rented);
            ReadOnlySpan<byte> raw = rented.AsSpan(0, length);
            int huffmanLength = Huffman.GetEncodedLength(raw);
            bool huffman = huffmanLength < length;
            int bodyLength = huffman ? huffmanLength : length;
            byte hFlag = (byte)(huffman ? 1 << (prefixBits - 1) : 0);
            int lengthBits = prefixBits - 1;

            Span<byte> span = writer.GetSpan(QPackInteger.GetEncodedLength((ulong)bodyLength, lengthBits) + bodyLength);
            int written = QPackInteger.Encode(span, (ulong)bodyLength, lengthBits, (byte)(flags | hFlag));
            written += huffman ? Huffman.Encode(raw, span[written..]) : Copy(raw, span[written..]);
            writer.Advance(written);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        source.CopyTo(destination);
        return source.Length;
    }
}
