using System.Buffers;
using System.Text;

namespace MoqLive.Http3.QPack;

/// <summary>
/// Decodes encoded field sections (RFC 9204 §4.5) for a decoder that advertises
/// SETTINGS_QPACK_MAX_TABLE_CAPACITY = 0 and SETTINGS_QPACK_BLOCKED_STREAMS = 0: only the static table and
/// literals can be referenced, so any reference to the dynamic table is QPACK_DECOMPRESSION_FAILED. Stateless
/// and thread-safe.
/// </summary>
internal sealed class QPackDecoder
{
    private readonly long _maxFieldSectionSize;

    /// <param name="maxFieldSectionSize">Our SETTINGS_MAX_FIELD_SECTION_SIZE (RFC 9114 §4.2.2); larger sections are refused.</param>
    public QPackDecoder(long maxFieldSectionSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxFieldSectionSize);
        _maxFieldSectionSize = maxFieldSectionSize;
    }

    /// <summary>
    /// Decodes a complete encoded field section (a HEADERS or PUSH_PROMISE payload after its prefix fields).
    /// Throws <see cref="Http3ConnectionErrorException"/> with QPACK_DECOMPRESSION_FAILED when it is malformed,
    /// and <see cref="Http3StreamErrorException"/> with <see cref="Http3StreamErrorException.FieldSectionTooLarge"/>
    /// when it exceeds the configured size.
    /// </summary>
    public List<HeaderField> Decode(ReadOnlySpan<byte> fieldSection)
    {
        int position = DecodePrefix(fieldSection);
        var fields = new List<HeaderField>();
        long size = 0;
        while (position < fieldSection.Length)
        {
            HeaderField field = DecodeFieldLine(fieldSection, ref position);
            size += field.Size;
            if (size > _maxFieldSectionSize)
            {
                throw new Http3StreamErrorException(Http3ErrorCode.MessageError,
                    $"The field section exceeds SETTINGS_MAX_FIELD_SECTION_SIZE ({_maxFieldSectionSize}).",
                    fieldSectionTooLarge: true);
            }

            fields.Add(field);
        }

        return fields;
    }

    /// <summary>Decodes a complete encoded field section held in a sequence.</summary>
    public List<HeaderField> Decode(in ReadOnlySequence<byte> fieldSection) =>
        fieldSection.IsSingleSegment ? Decode(fieldSection.FirstSpan) : Decode(fieldSection.ToArray());

    // RFC 9204 §4.5.1: Required Insert Count (8+) then Sign bit and Delta Base (7+).
    private static int DecodePrefix(ReadOnlySpan<byte> source)
    {
        ulong encodedInsertCount = ReadInteger(source, 0, 8, out int consumed);

        // RFC 9204 §4.5.1.1: with MaxEntries = 0 the only value a conformant encoder can produce is 0.
        if (encodedInsertCount != 0)
            throw Failed($"Required Insert Count {encodedInsertCount} references the dynamic table, whose capacity is 0.");

        int position = consumed;
        if (position >= source.Length)
            throw Failed("The field section prefix is truncated.");

        bool sign = (source[position] & 0x80) != 0;
        ReadInteger(source, position, 7, out consumed);
        position += consumed;

        // RFC 9204 §4.5.1.2: Sign = 1 requires Required Insert Count > Delta Base, impossible with a count of 0.
        if (sign)
            throw Failed("The field section has a negative Base.");

        return position;
    }

    private static HeaderField DecodeFieldLine(ReadOnlySpan<byte> source, ref int position)
    {
        byte first = source[position];
        if ((first & 0x80) != 0)
        {
            // RFC 9204 §4.5.2 Indexed Field Line: 1 T Index(6+).
            ulong index = ReadInteger(source, position, 6, out int consumed);
            position += consumed;
            if ((first & 0x40) == 0)
                throw Failed("Indexed field line references the dynamic table.");
            return StaticEntry(index);
        }

        if ((first & 0x40) != 0)
        {
            // RFC 9204 §4.5.4 Literal Field Line with Name Reference: 0 1 N T NameIndex(4+), value (8+ string).
            ulong index = ReadInteger(source, position, 4, out int consumed);
            position += consumed;
            if ((first & 0x10) == 0)
                throw Failed("Literal field line references a dynamic table name.");
            string name = StaticEntry(index).Name;
            string value = ReadString(source, ref position, 8);
            return new HeaderField(name, value);
        }

        if ((first & 0x20) != 0)
        {
            // RFC 9204 §4.5.6 Literal Field Line with Literal Name: 0 0 1 N H NameLen(3+), name, value (8+ string).
            string name = ReadString(source, ref position, 4);
            string value = ReadString(source, ref position, 8);
            return new HeaderField(name, value);
        }

        // RFC 9204 §4.5.3 (0001, post-Base index) and §4.5.5 (0000, post-Base name reference) always address
        // entries at or after Base in the dynamic table.
        throw Failed("Post-Base field line references the dynamic table.");
    }

    private static HeaderField StaticEntry(ulong index) =>
        QPackStaticTable.TryGet(index, out HeaderField field)
            ? field
            : throw Failed($"Static table index {index} does not exist.");

    // An N-bit prefix string literal (RFC 9204 §4.1.2) at source[position]: H flag at bit N-1, then the length.
    private static string ReadString(ReadOnlySpan<byte> source, ref int position, int prefixBits)
    {
        if (position >= source.Length)
            throw Failed("A string literal is missing.");

        bool huffman = (source[position] & (1 << (prefixBits - 1))) != 0;
        ulong length = ReadInteger(source, position, prefixBits - 1, out int consumed);
        position += consumed;
        if (length > (ulong)(source.Length - position))
            throw Failed("A string literal is longer than the field section.");

        ReadOnlySpan<byte> raw = source.Slice(position, (int)length);
        position += (int)length;
        if (!huffman)
            return Encoding.Latin1.GetString(raw);

        byte[] rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, Huffman.GetMaxDecodedLength(raw.Length)));
        try
        {
            if (Huffman.Decode(raw, rented, out int written) != OperationStatus.Done)
                throw Failed("A Huffman-encoded string is invalid (EOS, or bad padding).");
            return Encoding.Latin1.GetString(rented, 0, written);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static ulong ReadInteger(ReadOnlySpan<byte> source, int position, int prefixBits, out int consumed)
    {
        OperationStatus status = QPackInteger.Decode(source[position..], prefixBits, out ulong value, out consumed);
        return status switch
        {
            OperationStatus.Done => value,
            OperationStatus.NeedMoreData => throw Failed("An integer is truncated at the end of the field section."),
            _ => throw Failed("An integer exceeds 62 bits."),
        };
    }

    private static Http3ConnectionErrorException Failed(string message) =>
        new(Http3ErrorCode.QPackDecompressionFailed, message);
}
