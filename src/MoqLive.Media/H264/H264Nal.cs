using System.Buffers.Binary;
using System.Globalization;

namespace MoqLive.Media.H264;

/// <summary>
/// H.264 NAL unit helpers: splitting an Annex B byte stream (ITU-T H.264 Annex B), converting it to the length-prefixed
/// <c>avc</c> form docs/media-format.md requires (4-byte big-endian lengths, as in MP4 samples and WebCodecs' avc format),
/// and the AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1) built from SPS and PPS.
/// </summary>
internal static class H264Nal
{
    public const int IdrSlice = 5;
    public const int Sps = 7;
    public const int Pps = 8;
    public const int AccessUnitDelimiter = 9;

    /// <summary>
    /// The NAL units of an Annex B access unit (start codes and trailing zero bytes removed, §B.2).
    /// </summary>
    /// <exception cref="MediaFormatException">The data does not start with a start code, or a NAL unit is empty.</exception>
    public static List<Range> Split(ReadOnlySpan<byte> annexB)
    {
        var units = new List<Range>();
        int start = StartCodeEnd(annexB, 0);
        if (start < 0)
            throw new MediaFormatException("the access unit is not an H.264 Annex B byte stream: it does not start with a start code (00 00 01)");
        while (start < annexB.Length)
        {
            int next = annexB[start..].IndexOf(StartCode);
            int end = next < 0 ? annexB.Length : start + next;
            int nalEnd = end;
            while (nalEnd > start && annexB[nalEnd - 1] == 0)
                nalEnd--; // trailing_zero_8bits and the leading zero of a 4-byte start code (§B.1.1)
            if (nalEnd > start)
                units.Add(start..nalEnd);
            if (next < 0)
                break;
            start = end + StartCode.Length;
        }
        if (units.Count == 0)
            throw new MediaFormatException("the access unit holds no NAL unit");
        return units;
    }

    private static ReadOnlySpan<byte> StartCode => [0, 0, 1];

    private static int StartCodeEnd(ReadOnlySpan<byte> data, int at)
    {
        while (at < data.Length && data[at] == 0)
            at++;
        return at >= 2 && at < data.Length && data[at] == 1 ? at + 1 : -1;
    }

    /// <summary>nal_unit_type (§7.4.1).</summary>
    public static int Type(ReadOnlySpan<byte> nal) => nal[0] & 0x1F;

    /// <summary>Removes emulation_prevention_three_byte (§7.4.1): 00 00 03 → 00 00.</summary>
    public static byte[] ToRbsp(ReadOnlySpan<byte> ebsp)
    {
        var rbsp = new byte[ebsp.Length];
        int n = 0, zeros = 0;
        foreach (byte b in ebsp)
        {
            if (zeros >= 2 && b == 3)
            {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            rbsp[n++] = b;
        }
        return rbsp.AsSpan(0, n).ToArray();
    }

    /// <summary>Writes <paramref name="nal"/> with a 4-byte big-endian length prefix.</summary>
    public static void WriteLengthPrefixed(ReadOnlySpan<byte> nal, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)nal.Length);
        nal.CopyTo(destination[4..]);
    }

    /// <summary>
    /// AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1.1) with one SPS, one PPS and 4-byte NAL lengths, plus the
    /// chroma/bit-depth extension for profiles other than Baseline, Main and Extended, as ffmpeg's mp4 muxer writes it.
    /// </summary>
    public static byte[] AvcDecoderConfigurationRecord(ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps, H264SequenceParameterSet parsed)
    {
        bool extension = parsed.ProfileIdc is not (66 or 77 or 88);
        byte[] record = new byte[11 + sps.Length + pps.Length + (extension ? 4 : 0)];
        record[0] = 1; // configurationVersion
        record[1] = sps[1]; // AVCProfileIndication
        record[2] = sps[2]; // profile_compatibility
        record[3] = sps[3]; // AVCLevelIndication
        record[4] = 0xFC | 3; // reserved '111111' + lengthSizeMinusOne = 3
        record[5] = 0xE0 | 1; // reserved '111' + numOfSequenceParameterSets = 1
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(6), (ushort)sps.Length);
        sps.CopyTo(record.AsSpan(8));
        int at = 8 + sps.Length;
        record[at++] = 1; // numOfPictureParameterSets
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(at), (ushort)pps.Length);
        pps.CopyTo(record.AsSpan(at + 2));
        at += 2 + pps.Length;
        if (extension)
        {
            record[at++] = (byte)(0xFC | parsed.ChromaFormatIdc);
            record[at++] = (byte)(0xF8 | parsed.BitDepthLumaMinus8);
            record[at++] = (byte)(0xF8 | parsed.BitDepthChromaMinus8);
            record[at] = 0; // numOfSequenceParameterSetExt
        }
        return record;
    }

    /// <summary>WebCodecs AVC codec string "avc1.PPCCLL" (the SPS's profile, constraint and level bytes in hex).</summary>
    public static string CodecString(ReadOnlySpan<byte> sps) =>
        string.Create(CultureInfo.InvariantCulture, $"avc1.{sps[1]:x2}{sps[2]:x2}{sps[3]:x2}");
}
