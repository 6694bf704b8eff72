using System.Buffers.Binary;
using System.Text;

namespace MoqLive.Media.Tests.Mp4;

/// <summary>Writes small ISO BMFF files box by box, for demuxer cases the ffmpeg test file does not cover.</summary>
internal static class Mp4Builder
{
    public sealed record Sample(uint Duration, byte[] Data, uint Flags, int CompositionOffset = 0);

    public static byte[] Box(string type, params byte[][] content)
    {
        int length = 8 + content.Sum(c => c.Length);
        var box = new byte[length];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)length);
        Encoding.ASCII.GetBytes(type).CopyTo(box, 4);
        int at = 8;
        foreach (byte[] c in content)
        {
            c.CopyTo(box, at);
            at += c.Length;
        }
        return box;
    }

    public static byte[] FullBox(string type, byte version, uint flags, params byte[][] content) =>
        Box(type, [U32(((uint)version << 24) | flags), .. content]);

    public static byte[] U8(int v) => [(byte)v];

    public static byte[] U16(int v) => [(byte)(v >> 8), (byte)v];

    public static byte[] U32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        return b;
    }

    public static byte[] U64(ulong v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, v);
        return b;
    }

    public static byte[] Zeros(int n) => new byte[n];

    public static byte[] Ftyp() => Box("ftyp", Encoding.ASCII.GetBytes("iso5"), U32(512), Encoding.ASCII.GetBytes("iso6mp41"));

    /// <summary>An avcC body: High profile, level 3.1, 4-byte lengths, one SPS and one PPS.</summary>
    public static byte[] AvcC() => [1, 0x64, 0x00, 0x1F, 0xFF, 0xE1, .. U16(4), 0x67, 0x64, 0x00, 0x1F, 1, .. U16(2), 0x68, 0xEE];

    public static byte[] Avc1(int width, int height, byte[] avcC) =>
        Box("avc1", Zeros(6), U16(1), Zeros(16), U16(width), U16(height), Zeros(50), Box("avcC", avcC));

    public static byte[] Vp09(int width, int height, int profile, int level, int bitDepth) =>
        Box("vp09", Zeros(6), U16(1), Zeros(16), U16(width), U16(height), Zeros(50),
            FullBox("vpcC", 1, 0, U8(profile), U8(level), U8((bitDepth << 4) | (1 << 1)), U8(1), U8(1), U8(1), U16(0)));

    public static byte[] Opus(int channels, int preSkip) =>
        Box("Opus", Zeros(6), U16(1), Zeros(8), U16(channels), U16(16), Zeros(4), U32(48000u << 16),
            Box("dOps", U8(0), U8(channels), U16(preSkip), U32(48000), U16(0), U8(0)));

    public static byte[] Mp4a() => Box("mp4a", Zeros(6), U16(1), Zeros(8), U16(2), U16(16), Zeros(4), U32(44100u << 16));

    public static byte[] Trak(uint trackId, string handler, uint timescale, byte[] sampleEntry) =>
        Box("trak",
            FullBox("tkhd", 0, 3, U32(0), U32(0), U32(trackId), Zeros(60), U32(0), U32(0)),
            Box("mdia",
                FullBox("mdhd", 0, 0, U32(0), U32(0), U32(timescale), U32(0), U16(0x55C4), U16(0)),
                FullBox("hdlr", 0, 0, U32(0), Encoding.ASCII.GetBytes(handler), Zeros(12), U8(0)),
                Box("minf", Box("stbl", FullBox("stsd", 0, 0, U32(1), sampleEntry)))));

    public static byte[] Trex(uint trackId, uint duration = 0, uint size = 0, uint flags = 0) =>
        FullBox("trex", 0, 0, U32(trackId), U32(1), U32(duration), U32(size), U32(flags));

    public static byte[] Moov(byte[][] traks, byte[][] trexes) =>
        Box("moov", [FullBox("mvhd", 0, 0, Zeros(96)), .. traks, Box("mvex", trexes)]);

    /// <summary>
    /// One moof + mdat for one track: tfhd with <paramref name="tfhdFlags"/> (defaults from the given values), tfdt, and
    /// one trun with <paramref name="trunFlags"/>. Data offsets point into the mdat: base_data_offset (tfhd 0x1) is the
    /// absolute position <paramref name="fileOffset"/> of the moof, or of the data when the trun has no data_offset;
    /// otherwise the trun's data_offset is relative to the moof. Without 0x1 the trun needs data_offset (0x1).
    /// </summary>
    public static byte[] Fragment(
        uint sequence, uint trackId, ulong baseTime, uint tfhdFlags, uint trunFlags, IReadOnlyList<Sample> samples,
        uint defaultDuration = 0, uint defaultSize = 0, uint defaultFlags = 0, byte trunVersion = 0, long fileOffset = 0)
    {
        byte[] mdat = Box("mdat", [.. samples.Select(s => s.Data)]);
        // The moof's length does not depend on the offset values: build once to measure, then with the real offsets.
        bool trunOffset = (trunFlags & 0x1) != 0;
        int moofLength = BuildMoof(0, 0).Length;
        long dataStart = moofLength + 8;
        byte[] moof = BuildMoof(trunOffset ? fileOffset : fileOffset + dataStart, dataStart);
        return [.. moof, .. mdat];

        byte[] BuildMoof(long baseDataOffset, long dataOffset)
        {
            var tfhd = new List<byte[]> { U32(trackId) };
            if ((tfhdFlags & 0x1) != 0)
                tfhd.Add(U64((ulong)baseDataOffset));
            if ((tfhdFlags & 0x2) != 0)
                tfhd.Add(U32(1));
            if ((tfhdFlags & 0x8) != 0)
                tfhd.Add(U32(defaultDuration));
            if ((tfhdFlags & 0x10) != 0)
                tfhd.Add(U32(defaultSize));
            if ((tfhdFlags & 0x20) != 0)
                tfhd.Add(U32(defaultFlags));
            var trun = new List<byte[]> { U32((uint)samples.Count) };
            if (trunOffset)
                trun.Add(U32((uint)dataOffset));
            if ((trunFlags & 0x4) != 0)
                trun.Add(U32(samples[0].Flags));
            foreach (Sample s in samples)
            {
                if ((trunFlags & 0x100) != 0)
                    trun.Add(U32(s.Duration));
                if ((trunFlags & 0x200) != 0)
                    trun.Add(U32((uint)s.Data.Length));
                if ((trunFlags & 0x400) != 0)
                    trun.Add(U32(s.Flags));
                if ((trunFlags & 0x800) != 0)
                    trun.Add(U32(unchecked((uint)s.CompositionOffset)));
            }
            return Box("moof",
                FullBox("mfhd", 0, 0, U32(sequence)),
                Box("traf",
                    FullBox("tfhd", 0, tfhdFlags, [.. tfhd]),
                    FullBox("tfdt", 1, 0, U64(baseTime)),
                    FullBox("trun", trunVersion, trunFlags, [.. trun])));
        }
    }
}
