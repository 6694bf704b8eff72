using System.Buffers.Binary;

namespace MoqLive.Media.Mp4;

/// <summary>Four-character codes of ISO BMFF box types and sample entries (ISO/IEC 14496-12 §4.2), as big-endian integers.</summary>
internal static class FourCC
{
    public const uint Ftyp = 0x66747970;
    public const uint Styp = 0x73747970;
    public const uint Moov = 0x6D6F6F76;
    public const uint Mvhd = 0x6D766864;
    public const uint Trak = 0x7472616B;
    public const uint Tkhd = 0x746B6864;
    public const uint Mdia = 0x6D646961;
    public const uint Mdhd = 0x6D646864;
    public const uint Hdlr = 0x68646C72;
    public const uint Minf = 0x6D696E66;
    public const uint Stbl = 0x7374626C;
    public const uint Stsd = 0x73747364;
    public const uint Mvex = 0x6D766578;
    public const uint Trex = 0x74726578;
    public const uint Moof = 0x6D6F6F66;
    public const uint Mfhd = 0x6D666864;
    public const uint Traf = 0x74726166;
    public const uint Tfhd = 0x74666864;
    public const uint Tfdt = 0x74666474;
    public const uint Trun = 0x7472756E;
    public const uint Mdat = 0x6D646174;
    public const uint Free = 0x66726565;
    public const uint Skip = 0x736B6970;
    public const uint Uuid = 0x75756964;
    public const uint Sidx = 0x73696478;
    public const uint Prft = 0x70726674;
    public const uint Emsg = 0x656D7367;
    public const uint Mfra = 0x6D667261;
    public const uint Meta = 0x6D657461;
    public const uint Udta = 0x75647461;
    public const uint Vide = 0x76696465;
    public const uint Soun = 0x736F756E;
    public const uint Avc1 = 0x61766331;
    public const uint Avc3 = 0x61766333;
    public const uint AvcC = 0x61766343;
    public const uint Vp09 = 0x76703039;
    public const uint VpcC = 0x76706343;
    public const uint Opus = 0x4F707573;
    public const uint DOps = 0x644F7073;
    public const uint Mp4a = 0x6D703461;

    /// <summary>The code as text (<c>moov</c>), or hex when it is not printable ASCII.</summary>
    public static string ToString(uint code)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, code);
        foreach (byte b in bytes)
        {
            if (b is < 0x20 or > 0x7E)
                return $"0x{code:x8}";
        }
        return System.Text.Encoding.ASCII.GetString(bytes);
    }

    /// <summary>True when all four bytes are printable ASCII, as every box type in an MP4 file is.</summary>
    public static bool IsPrintable(uint code)
    {
        for (int shift = 0; shift < 32; shift += 8)
        {
            uint b = (code >> shift) & 0xFF;
            if (b is < 0x20 or > 0x7E)
                return false;
        }
        return true;
    }
}
