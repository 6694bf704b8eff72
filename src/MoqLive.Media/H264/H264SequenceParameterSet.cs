namespace MoqLive.Media.H264;

/// <summary>
/// What a publisher needs from an H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1): the profile, constraint and
/// level bytes (the WebCodecs codec string and the avcC header), the chroma format and bit depths (the avcC extension of
/// ISO/IEC 14496-15 §5.3.3.1.2) and the cropped picture size.
/// </summary>
internal sealed record H264SequenceParameterSet(
    byte ProfileIdc, byte ConstraintFlags, byte LevelIdc, uint ChromaFormatIdc, uint BitDepthLumaMinus8, uint BitDepthChromaMinus8, int Width, int Height)
{
    /// <summary>Profiles whose SPS carries chroma_format_idc and bit depths (§7.3.2.1.1), and whose avcC has the extension.</summary>
    public static bool HasChromaFields(byte profileIdc) => profileIdc is 100 or 110 or 122 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135;

    /// <summary>Parses an SPS NAL unit (with its one-byte NAL header, emulation prevention bytes still in).</summary>
    /// <exception cref="MediaFormatException">Truncated or out-of-range fields.</exception>
    public static H264SequenceParameterSet Parse(ReadOnlySpan<byte> nal)
    {
        byte[] rbsp = H264Nal.ToRbsp(nal[1..]);
        var r = new H264BitReader(rbsp, "sequence parameter set");
        byte profile = (byte)r.ReadBits(8, "profile_idc");
        byte constraints = (byte)r.ReadBits(8, "constraint_set flags");
        byte level = (byte)r.ReadBits(8, "level_idc");
        if (r.ReadUe("seq_parameter_set_id") > 31)
            throw new MediaFormatException("Invalid H.264 sequence parameter set: seq_parameter_set_id is above 31.");
        uint chroma = 1, depthLuma = 0, depthChroma = 0;
        bool separateColourPlanes = false;
        if (HasChromaFields(profile))
        {
            chroma = r.ReadUe("chroma_format_idc");
            if (chroma > 3)
                throw new MediaFormatException($"Invalid H.264 sequence parameter set: chroma_format_idc is {chroma}.");
            if (chroma == 3)
                separateColourPlanes = r.ReadFlag("separate_colour_plane_flag");
            depthLuma = r.ReadUe("bit_depth_luma_minus8");
            depthChroma = r.ReadUe("bit_depth_chroma_minus8");
            if (depthLuma > 6 || depthChroma > 6)
                throw new MediaFormatException("Invalid H.264 sequence parameter set: a bit depth is above 14.");
            r.ReadFlag("qpprime_y_zero_transform_bypass_flag");
            if (r.ReadFlag("seq_scaling_matrix_present_flag"))
            {
                for (int i = 0; i < (chroma == 3 ? 12 : 8); i++)
                {
                    if (r.ReadFlag("seq_scaling_list_present_flag"))
                        SkipScalingList(ref r, i < 6 ? 16 : 64);
                }
            }
        }
        if (r.ReadUe("log2_max_frame_num_minus4") > 12)
            throw new MediaFormatException("Invalid H.264 sequence parameter set: log2_max_frame_num_minus4 is above 12.");
        uint pocType = r.ReadUe("pic_order_cnt_type");
        if (pocType == 0)
        {
            r.ReadUe("log2_max_pic_order_cnt_lsb_minus4");
        }
        else if (pocType == 1)
        {
            r.ReadFlag("delta_pic_order_always_zero_flag");
            r.ReadSe("offset_for_non_ref_pic");
            r.ReadSe("offset_for_top_to_bottom_field");
            uint cycle = r.ReadUe("num_ref_frames_in_pic_order_cnt_cycle");
            if (cycle > 255)
                throw new MediaFormatException("Invalid H.264 sequence parameter set: num_ref_frames_in_pic_order_cnt_cycle is above 255.");
            for (uint i = 0; i < cycle; i++)
                r.ReadSe("offset_for_ref_frame");
        }
        else if (pocType != 2)
        {
            throw new MediaFormatException($"Invalid H.264 sequence parameter set: pic_order_cnt_type is {pocType}.");
        }
        r.ReadUe("max_num_ref_frames");
        r.ReadFlag("gaps_in_frame_num_value_allowed_flag");
        uint widthMbs = r.ReadUe("pic_width_in_mbs_minus1") + 1;
        uint heightMapUnits = r.ReadUe("pic_height_in_map_units_minus1") + 1;
        bool frameMbsOnly = r.ReadFlag("frame_mbs_only_flag");
        if (!frameMbsOnly)
            r.ReadFlag("mb_adaptive_frame_field_flag");
        r.ReadFlag("direct_8x8_inference_flag");
        uint left = 0, right = 0, top = 0, bottom = 0;
        if (r.ReadFlag("frame_cropping_flag"))
        {
            left = r.ReadUe("frame_crop_left_offset");
            right = r.ReadUe("frame_crop_right_offset");
            top = r.ReadUe("frame_crop_top_offset");
            bottom = r.ReadUe("frame_crop_bottom_offset");
        }
        // §7.4.2.1.1: the crop is in units of CropUnitX/CropUnitY, which depend on ChromaArrayType and field coding.
        uint chromaArrayType = separateColourPlanes ? 0 : chroma;
        long frameHeightFactor = frameMbsOnly ? 1 : 2;
        long cropUnitX = chromaArrayType is 1 or 2 ? 2 : 1;
        long cropUnitY = (chromaArrayType == 1 ? 2 : 1) * frameHeightFactor;
        long width = (widthMbs * 16L) - (cropUnitX * (left + (long)right));
        long height = (frameHeightFactor * heightMapUnits * 16L) - (cropUnitY * (top + (long)bottom));
        if (width <= 0 || height <= 0 || width > 16384 || height > 16384)
            throw new MediaFormatException($"Invalid H.264 sequence parameter set: the cropped picture is {width}x{height}.");
        return new H264SequenceParameterSet(profile, constraints, level, chroma, depthLuma, depthChroma, (int)width, (int)height);
    }

    /// <summary>scaling_list() of §7.3.2.1.1.1: only read past.</summary>
    private static void SkipScalingList(ref H264BitReader r, int size)
    {
        int last = 8, next = 8;
        for (int j = 0; j < size; j++)
        {
            if (next != 0)
                next = (last + r.ReadSe("delta_scale") + 256) % 256;
            last = next == 0 ? last : next;
        }
    }
}
