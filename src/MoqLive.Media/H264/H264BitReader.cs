namespace MoqLive.Media.H264;

/// <summary>
/// Reads an H.264 RBSP bit by bit (ITU-T H.264 §7.2): fixed-width fields and Exp-Golomb codes (§9.1). Reading past the
/// end throws <see cref="MediaFormatException"/> naming the field.
/// </summary>
internal ref struct H264BitReader(ReadOnlySpan<byte> rbsp, string what)
{
    private readonly ReadOnlySpan<byte> _data = rbsp;
    private int _bit;

    public uint ReadBits(int count, string field)
    {
        uint value = 0;
        for (int i = 0; i < count; i++)
        {
            if (_bit >= _data.Length * 8)
                throw new MediaFormatException($"Invalid H.264 {what}: it ends inside {field}.");
            value = (value << 1) | (uint)((_data[_bit >> 3] >> (7 - (_bit & 7))) & 1);
            _bit++;
        }
        return value;
    }

    public bool ReadFlag(string field) => ReadBits(1, field) == 1;

    /// <summary>ue(v), §9.1.</summary>
    public uint ReadUe(string field)
    {
        int zeros = 0;
        while (ReadBits(1, field) == 0)
        {
            if (++zeros > 31)
                throw new MediaFormatException($"Invalid H.264 {what}: {field} has more than 31 leading zero bits.");
        }
        return zeros == 0 ? 0 : (uint)(((1UL << zeros) - 1) + ReadBits(zeros, field));
    }

    /// <summary>se(v), §9.1.1.</summary>
    public int ReadSe(string field)
    {
        uint k = ReadUe(field);
        return (k & 1) == 1 ? (int)((k + 1) / 2) : -(int)(k / 2);
    }
}
