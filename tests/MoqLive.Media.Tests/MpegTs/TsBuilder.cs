using System.Buffers.Binary;
using MoqLive.Media.MpegTs;

namespace MoqLive.Media.Tests.MpegTs;

/// <summary>
/// Builds MPEG-TS packets (ISO/IEC 13818-1) for demuxer tests: PAT, PMT, PES split over packets (with adaptation-field
/// stuffing in the last one), PCR-only packets. Continuity counters are kept per PID, as a muxer does.
/// </summary>
internal sealed class TsBuilder
{
    public const int VideoPid = 0x100;
    public const int PmtPid = 0x1000;

    private readonly Dictionary<int, int> _continuity = [];

    /// <summary>An SPS and PPS of a real x264 encode (320x180, High, level 1.3), from the committed test fMP4's avcC.</summary>
    public static (byte[] Sps, byte[] Pps) ParameterSets()
    {
        byte[] avcC = TestMedia.AvcCBody;
        int spsLength = BinaryPrimitives.ReadUInt16BigEndian(avcC.AsSpan(6));
        byte[] sps = avcC.AsSpan(8, spsLength).ToArray();
        int at = 8 + spsLength + 1;
        int ppsLength = BinaryPrimitives.ReadUInt16BigEndian(avcC.AsSpan(at));
        return (sps, avcC.AsSpan(at + 2, ppsLength).ToArray());
    }

    /// <summary>Annex B access unit: AUD, then (for a key frame) SPS and PPS, then one slice NAL of <paramref name="sliceSize"/> bytes.</summary>
    public static byte[] AccessUnit(bool key, int sliceSize, byte fill)
    {
        (byte[] sps, byte[] pps) = ParameterSets();
        var au = new List<byte> { 0, 0, 0, 1, 0x09, 0xF0 };
        if (key)
        {
            au.AddRange([0, 0, 0, 1, .. sps, 0, 0, 0, 1, .. pps]);
        }
        au.AddRange([0, 0, 0, 1, key ? (byte)0x65 : (byte)0x41]);
        for (int i = 1; i < sliceSize; i++)
            au.Add(fill == 0 ? (byte)0x80 : fill); // never 00 00 0x: no start code inside
        return [.. au];
    }

    /// <summary>The length-prefixed form of <see cref="AccessUnit"/>'s slice, as the demuxer should emit it.</summary>
    public static byte[] LengthPrefixedSlice(bool key, int sliceSize, byte fill)
    {
        byte[] au = AccessUnit(key, sliceSize, fill);
        byte[] slice = au[^sliceSize..];
        return [.. U32((uint)sliceSize), .. slice];
    }

    public byte[] Pat(int version = 0, params (ushort Program, int Pid)[] programs)
    {
        if (programs.Length == 0)
            programs = [(1, PmtPid)];
        var body = new List<byte>();
        foreach ((ushort program, int pid) in programs)
            body.AddRange([(byte)(program >> 8), (byte)program, (byte)(0xE0 | (pid >> 8)), (byte)pid]);
        return SectionPacket(0, Section(0x00, 1, version, [.. body]));
    }

    public byte[] Pmt(int version = 0, params (byte Type, int Pid)[] streams)
    {
        if (streams.Length == 0)
            streams = [(MpegTsDemuxer.StreamTypeH264, VideoPid)];
        var body = new List<byte> { 0xE0 | (VideoPid >> 8), VideoPid & 0xFF, 0xF0, 0x00 }; // PCR_PID, program_info_length 0
        foreach ((byte type, int pid) in streams)
            body.AddRange([type, (byte)(0xE0 | (pid >> 8)), (byte)pid, 0xF0, 0x00]);
        return SectionPacket(PmtPid, Section(0x02, 1, version, [.. body]));
    }

    /// <summary>A PES of <paramref name="accessUnit"/> split into packets; the last one padded by adaptation-field stuffing.</summary>
    public List<byte[]> Pes(int pid, long dts, byte[] accessUnit, bool withLength = true, bool random = false)
    {
        byte[] header = [0, 0, 1, 0xE0, 0, 0, 0x80, 0xC0, 10, .. Timestamp(3, dts), .. Timestamp(1, dts)];
        byte[] pes = [.. header, .. accessUnit];
        if (withLength)
            BinaryPrimitives.WriteUInt16BigEndian(pes.AsSpan(4), (ushort)(pes.Length - 6));
        var packets = new List<byte[]>();
        for (int at = 0; at < pes.Length;)
        {
            int room = 184;
            bool first = at == 0;
            byte[] adaptation = first && random ? [0x40] : []; // random_access_indicator on the first packet
            if (adaptation.Length > 0)
                room -= 1 + adaptation.Length;
            int take = Math.Min(room, pes.Length - at);
            packets.Add(Packet(pid, first, pes.AsSpan(at, take), adaptation));
            at += take;
        }
        return packets;
    }

    /// <summary>An adaptation-field-only packet carrying a PCR (continuity_counter not advanced).</summary>
    public byte[] PcrOnly(int pid, long pcrBase)
    {
        byte[] packet = new byte[188];
        packet[0] = 0x47;
        packet[1] = (byte)(pid >> 8);
        packet[2] = (byte)pid;
        packet[3] = (byte)(0x20 | (_continuity.GetValueOrDefault(pid, 0xF) & 0xF));
        packet[4] = 183;
        packet[5] = 0x10; // PCR_flag
        packet[6] = (byte)(pcrBase >> 25);
        packet[7] = (byte)(pcrBase >> 17);
        packet[8] = (byte)(pcrBase >> 9);
        packet[9] = (byte)(pcrBase >> 1);
        packet[10] = (byte)(((pcrBase & 1) << 7) | 0x7E);
        packet[11] = 0;
        packet.AsSpan(12).Fill(0xFF);
        return packet;
    }

    /// <summary>One packet with the payload, stuffed up to 188 bytes through the adaptation field.</summary>
    public byte[] Packet(int pid, bool unitStart, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> adaptationFlags = default)
    {
        int cc = (_continuity.GetValueOrDefault(pid, 0xF) + 1) & 0xF;
        _continuity[pid] = cc;
        byte[] packet = new byte[188];
        packet[0] = 0x47;
        packet[1] = (byte)((unitStart ? 0x40 : 0) | (pid >> 8));
        packet[2] = (byte)pid;
        int stuffing = 184 - payload.Length - (adaptationFlags.IsEmpty ? 0 : 1 + adaptationFlags.Length);
        int at = 4;
        if (stuffing > 0 || !adaptationFlags.IsEmpty)
        {
            int fieldLength = adaptationFlags.IsEmpty ? stuffing - 1 : adaptationFlags.Length + Math.Max(stuffing, 0);
            packet[3] = (byte)(0x30 | cc);
            packet[4] = (byte)fieldLength;
            if (fieldLength > 0)
            {
                packet[5] = adaptationFlags.IsEmpty ? (byte)0 : adaptationFlags[0];
                packet.AsSpan(6, fieldLength - 1).Fill(0xFF);
            }
            at = 5 + fieldLength;
        }
        else
        {
            packet[3] = (byte)(0x10 | cc);
        }
        payload.CopyTo(packet.AsSpan(at));
        return packet;
    }

    private byte[] SectionPacket(int pid, byte[] section) => Packet(pid, true, [0, .. section]);

    private static byte[] Section(byte tableId, ushort idExtension, int version, byte[] body)
    {
        int sectionLength = 5 + body.Length + 4;
        byte[] section = [tableId, (byte)(0xB0 | (sectionLength >> 8)), (byte)sectionLength, (byte)(idExtension >> 8), (byte)idExtension,
            (byte)(0xC1 | (version << 1)), 0, 0, .. body, 0, 0, 0, 0];
        BinaryPrimitives.WriteUInt32BigEndian(section.AsSpan(section.Length - 4), MpegTsDemuxer.Crc32Mpeg2(section.AsSpan(0, section.Length - 4)));
        return section;
    }

    private static byte[] Timestamp(int prefix, long t) =>
        [(byte)((prefix << 4) | (int)(((t >> 30) & 7) << 1) | 1), (byte)(t >> 22), (byte)((((t >> 15) & 0x7F) << 1) | 1), (byte)(t >> 7), (byte)(((t & 0x7F) << 1) | 1)];

    private static byte[] U32(uint v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];
}
