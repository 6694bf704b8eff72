using System.Buffers.Binary;

namespace MoqLive.Media.Mp4;

/// <summary>
/// Reads the fields of one box body held in memory (ISO/IEC 14496-12 §4.2). Every read is bounds-checked: running past
/// the end of the box throws <see cref="Mp4FormatException"/> naming the box path and the field.
/// </summary>
internal ref struct Mp4BoxReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public Mp4BoxReader(ReadOnlySpan<byte> data, string path)
    {
        _data = data;
        Path = path;
    }

    /// <summary>Where this box sits, e.g. <c>moov/trak/mdia/mdhd</c>, for error messages.</summary>
    public string Path { get; }

    public readonly int Remaining => _data.Length - _position;

    public readonly bool End => _position >= _data.Length;

    public byte ReadUInt8(string field) => Take(1, field)[0];

    public ushort ReadUInt16(string field) => BinaryPrimitives.ReadUInt16BigEndian(Take(2, field));

    public short ReadInt16(string field) => BinaryPrimitives.ReadInt16BigEndian(Take(2, field));

    public uint ReadUInt24(string field)
    {
        ReadOnlySpan<byte> b = Take(3, field);
        return (uint)(b[0] << 16 | b[1] << 8 | b[2]);
    }

    public uint ReadUInt32(string field) => BinaryPrimitives.ReadUInt32BigEndian(Take(4, field));

    public int ReadInt32(string field) => BinaryPrimitives.ReadInt32BigEndian(Take(4, field));

    public ulong ReadUInt64(string field) => BinaryPrimitives.ReadUInt64BigEndian(Take(8, field));

    public ReadOnlySpan<byte> ReadBytes(int length, string field) => Take(length, field);

    public void Skip(int length, string field) => Take(length, field);

    /// <summary>A FullBox header (§4.2.2): version (8 bits) and flags (24 bits).</summary>
    public (byte Version, uint Flags) ReadFullBoxHeader()
    {
        uint word = ReadUInt32("version and flags");
        return ((byte)(word >> 24), word & 0xFFFFFF);
    }

    /// <summary>Reads the next child box header and body; false at the end of this box's body.</summary>
    public bool TryReadChild(out uint type, out ReadOnlySpan<byte> body)
    {
        type = 0;
        body = default;
        if (End)
            return false;
        if (Remaining < 8)
            throw Error($"{Remaining} trailing bytes are too few for a child box header (8)");
        ulong size = ReadUInt32("child box size");
        type = ReadUInt32("child box type");
        int header = 8;
        if (size == 1)
        {
            size = ReadUInt64("child box largesize");
            header = 16;
        }
        else if (size == 0)
        {
            // §4.2.2: size 0 means "to the end of the enclosing container".
            size = (ulong)(Remaining + header);
        }
        if (size < (ulong)header || size - (ulong)header > (ulong)Remaining)
            throw Error($"child box '{FourCC.ToString(type)}' has size {size}, but {Remaining + header} bytes are left in its parent");
        body = Take((int)(size - (ulong)header), "child box body");
        return true;
    }

    public readonly Mp4FormatException Error(string message) => new($"Invalid MP4: {Path}: {message}.");

    private ReadOnlySpan<byte> Take(int length, string field)
    {
        if (length < 0 || length > Remaining)
            throw Error($"{field} needs {length} bytes, only {Remaining} left in the box");
        ReadOnlySpan<byte> span = _data.Slice(_position, length);
        _position += length;
        return span;
    }
}
