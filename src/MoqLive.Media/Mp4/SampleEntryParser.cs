using System.Buffers.Binary;
using System.Globalization;

namespace MoqLive.Media.Mp4;

/// <summary>
/// Parses the first sample entry of an stsd (ISO/IEC 14496-12 §8.5.2) into a WebCodecs codec string and decoder
/// description: avc1/avc3 + avcC (ISO/IEC 14496-15 §5.3.3), vp09 + vpcC (VP Codec ISO Media File Format Binding §2),
/// Opus + dOps (Encapsulation of Opus in ISO BMFF §4.3). Anything else is an unsupported codec, with a hint.
/// </summary>
internal static class SampleEntryParser
{
    // VisualSampleEntry (§12.1.3): 6 reserved + data_reference_index + 16 pre_defined/reserved, width, height,
    // resolutions, reserved, frame_count, compressorname[32], depth, pre_defined = 78 bytes before the child boxes.
    private const int VisualSampleEntrySize = 78;

    public record struct Entry(string SampleEntry, string Codec, byte[]? Description, int Width, int Height, int Channels, int SampleRate);

    public static Entry Parse(uint type, ReadOnlySpan<byte> body, Mp4TrackKind kind, string path)
    {
        string name = FourCC.ToString(type);
        var reader = new Mp4BoxReader(body, $"{path}/{name}");
        return type switch
        {
            FourCC.Avc1 or FourCC.Avc3 => ParseAvc(ref reader, name),
            FourCC.Vp09 => ParseVp9(ref reader),
            FourCC.Opus => ParseOpus(ref reader),
            FourCC.Mp4a => throw new Mp4FormatException(
                "Unsupported audio codec: the audio track is AAC (mp4a). MoqLive channels carry Opus audio: encode it with '-c:a libopus' (or drop audio with '-an')."),
            _ when kind == Mp4TrackKind.Video => throw new Mp4FormatException(
                $"Unsupported video codec '{name}'. MoqLive publishes H.264 (avc1) or VP9 (vp09) video: encode it with '-c:v libx264 -bf 0' or '-c:v libvpx-vp9'."),
            _ => throw new Mp4FormatException(
                $"Unsupported audio codec '{name}'. MoqLive channels carry Opus audio: encode it with '-c:a libopus' (or drop audio with '-an')."),
        };
    }

    private static Entry ParseAvc(ref Mp4BoxReader reader, string name)
    {
        (int width, int height) = ReadVisualSampleEntry(ref reader);
        ReadOnlySpan<byte> avcC = FindChild(ref reader, FourCC.AvcC, "avcC");
        var config = new Mp4BoxReader(avcC, $"{reader.Path}/avcC");
        // AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1).
        byte version = config.ReadUInt8("configurationVersion");
        if (version != 1)
            throw config.Error($"configurationVersion is {version}, expected 1");
        byte profile = config.ReadUInt8("AVCProfileIndication");
        byte compatibility = config.ReadUInt8("profile_compatibility");
        byte level = config.ReadUInt8("AVCLevelIndication");
        int lengthSize = (config.ReadUInt8("lengthSizeMinusOne") & 0x3) + 1;
        if (lengthSize != 4)
            throw config.Error($"NAL unit lengths are {lengthSize} bytes; MoqLive's channel format needs 4-byte lengths (as ffmpeg and WebCodecs write them)");
        int spsCount = config.ReadUInt8("numOfSequenceParameterSets") & 0x1F;
        if (spsCount == 0)
            throw config.Error("it has no sequence parameter set");
        for (int i = 0; i < spsCount; i++)
            config.Skip(config.ReadUInt16("sequenceParameterSetLength"), "sequenceParameterSetNALUnit");
        int ppsCount = config.ReadUInt8("numOfPictureParameterSets");
        for (int i = 0; i < ppsCount; i++)
            config.Skip(config.ReadUInt16("pictureParameterSetLength"), "pictureParameterSetNALUnit");
        // WebCodecs AVC registration: "avc1.PPCCLL", the three bytes in hex.
        string codec = string.Create(CultureInfo.InvariantCulture, $"{name}.{profile:x2}{compatibility:x2}{level:x2}");
        return new Entry(name, codec, avcC.ToArray(), width, height, 0, 0);
    }

    private static Entry ParseVp9(ref Mp4BoxReader reader)
    {
        (int width, int height) = ReadVisualSampleEntry(ref reader);
        ReadOnlySpan<byte> vpcC = FindChild(ref reader, FourCC.VpcC, "vpcC");
        var config = new Mp4BoxReader(vpcC, $"{reader.Path}/vpcC");
        (byte version, _) = config.ReadFullBoxHeader();
        if (version != 1)
            throw config.Error($"version is {version}, expected 1 (VP Codec Configuration Box)");
        byte profile = config.ReadUInt8("profile");
        byte level = config.ReadUInt8("level");
        int bitDepth = config.ReadUInt8("bitDepth") >> 4;
        if (profile > 3 || bitDepth is not (8 or 10 or 12))
            throw config.Error($"profile {profile} / bitDepth {bitDepth} is not a VP9 configuration");
        // WebCodecs VP9 registration: "vp09.PP.LL.DD" (profile, level, bit depth; two decimal digits each).
        string codec = string.Create(CultureInfo.InvariantCulture, $"vp09.{profile:D2}.{level:D2}.{bitDepth:D2}");
        return new Entry("vp09", codec, null, width, height, 0, 0);
    }

    private static Entry ParseOpus(ref Mp4BoxReader reader)
    {
        // AudioSampleEntry (§12.2.3): 6 reserved + data_reference_index + 8 reserved, channelcount, samplesize,
        // pre_defined, reserved, samplerate (16.16): 28 bytes before the child boxes.
        reader.Skip(16, "AudioSampleEntry reserved fields");
        reader.ReadUInt16("channelcount");
        reader.Skip(6, "samplesize, pre_defined, reserved");
        int sampleRate = (int)(reader.ReadUInt32("samplerate") >> 16);
        ReadOnlySpan<byte> dOps = FindChild(ref reader, FourCC.DOps, "dOps");
        var config = new Mp4BoxReader(dOps, $"{reader.Path}/dOps");
        byte version = config.ReadUInt8("Version");
        if (version != 0)
            throw config.Error($"Version is {version}, expected 0");
        byte channels = config.ReadUInt8("OutputChannelCount");
        if (channels == 0)
            throw config.Error("OutputChannelCount is 0");
        ushort preSkip = config.ReadUInt16("PreSkip");
        uint inputSampleRate = config.ReadUInt32("InputSampleRate");
        short outputGain = config.ReadInt16("OutputGain");
        byte family = config.ReadUInt8("ChannelMappingFamily");
        ReadOnlySpan<byte> mapping = family == 0 ? default : config.ReadBytes(2 + channels, "ChannelMappingTable");

        // WebCodecs Opus registration: the description is the Identification Header of RFC 7845 §5.1 ("OpusHead",
        // little-endian fields), which dOps carries big-endian without the magic.
        byte[] head = new byte[19 + mapping.Length];
        "OpusHead"u8.CopyTo(head);
        head[8] = 1;
        head[9] = channels;
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(10), preSkip);
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(12), inputSampleRate);
        BinaryPrimitives.WriteInt16LittleEndian(head.AsSpan(16), outputGain);
        head[18] = family;
        mapping.CopyTo(head.AsSpan(19));
        // Opus always decodes at 48 kHz (RFC 7845 §5.1: InputSampleRate is informational).
        return new Entry("Opus", "opus", head, 0, 0, channels, sampleRate == 0 ? 48000 : sampleRate);
    }

    private static (int Width, int Height) ReadVisualSampleEntry(ref Mp4BoxReader reader)
    {
        reader.Skip(24, "VisualSampleEntry reserved fields");
        int width = reader.ReadUInt16("width");
        int height = reader.ReadUInt16("height");
        reader.Skip(VisualSampleEntrySize - 28, "VisualSampleEntry resolution, frame_count, compressorname, depth");
        if (width == 0 || height == 0)
            throw reader.Error($"the frame size is {width}x{height}");
        return (width, height);
    }

    private static ReadOnlySpan<byte> FindChild(ref Mp4BoxReader reader, uint wanted, string name)
    {
        while (reader.TryReadChild(out uint type, out ReadOnlySpan<byte> body))
        {
            if (type == wanted)
                return body;
        }
        throw reader.Error($"it has no {name} box");
    }
}
