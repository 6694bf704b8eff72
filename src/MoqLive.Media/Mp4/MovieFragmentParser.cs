namespace MoqLive.Media.Mp4;

/// <summary>
/// Parses a moof (ISO/IEC 14496-12 §8.8.4): mfhd, and per traf the tfhd defaults, tfdt base time and every trun, into
/// samples with absolute byte offsets (resolved against the following mdat by <see cref="FragmentedMp4Reader"/>).
/// </summary>
internal static class MovieFragmentParser
{
    // tf_flags (§8.8.7.1).
    private const uint BaseDataOffsetPresent = 0x000001;
    private const uint SampleDescriptionIndexPresent = 0x000002;
    private const uint DefaultSampleDurationPresent = 0x000008;
    private const uint DefaultSampleSizePresent = 0x000010;
    private const uint DefaultSampleFlagsPresent = 0x000020;
    private const uint DefaultBaseIsMoof = 0x020000;

    // tr_flags (§8.8.8.1).
    private const uint DataOffsetPresent = 0x000001;
    private const uint FirstSampleFlagsPresent = 0x000004;
    private const uint SampleDurationPresent = 0x000100;
    private const uint SampleSizePresent = 0x000200;
    private const uint SampleFlagsPresent = 0x000400;
    private const uint SampleCompositionTimeOffsetsPresent = 0x000800;

    // sample_flags (§8.8.3.1): sample_is_non_sync_sample.
    private const uint SampleIsNonSyncSample = 0x00010000;

    public readonly record struct PendingSample(uint TrackId, long DecodeTime, long CompositionOffset, uint Duration, bool IsKeyFrame, long Offset, int Size);

    /// <param name="moof">The moof body.</param>
    /// <param name="moofOffset">Stream position of the moof's first byte (the default base data offset).</param>
    /// <param name="tracks">Tracks by ID; trafs of other tracks (not audio/video) are skipped.</param>
    /// <param name="nextDecodeTime">
    /// Per track_ID of the moov (skipped tracks included), where its previous fragment ended (used when a traf has no
    /// tfdt); updated.
    /// </param>
    /// <param name="options">Limits (samples per fragment).</param>
    public static (uint SequenceNumber, List<PendingSample> Samples) Parse(
        ReadOnlySpan<byte> moof, long moofOffset, IReadOnlyDictionary<uint, Mp4Track> tracks, Dictionary<uint, long> nextDecodeTime,
        Mp4ReaderOptions options)
    {
        var reader = new Mp4BoxReader(moof, "moof");
        uint? sequence = null;
        var samples = new List<PendingSample>();
        long previousTrafEnd = moofOffset;
        bool firstTraf = true;
        while (reader.TryReadChild(out uint type, out ReadOnlySpan<byte> body))
        {
            if (type == FourCC.Mfhd)
            {
                var mfhd = new Mp4BoxReader(body, "moof/mfhd");
                mfhd.ReadFullBoxHeader();
                sequence = mfhd.ReadUInt32("sequence_number");
            }
            else if (type == FourCC.Traf)
            {
                previousTrafEnd = ParseTraf(body, moofOffset, firstTraf ? moofOffset : previousTrafEnd, tracks, nextDecodeTime, samples, options);
                firstTraf = false;
            }
        }
        if (sequence is null)
            throw reader.Error("it has no mfhd box");
        return (sequence.Value, samples);
    }

    private static long ParseTraf(
        ReadOnlySpan<byte> traf, long moofOffset, long implicitBase, IReadOnlyDictionary<uint, Mp4Track> tracks,
        Dictionary<uint, long> nextDecodeTime, List<PendingSample> samples, Mp4ReaderOptions options)
    {
        var reader = new Mp4BoxReader(traf, "moof/traf");
        if (!reader.TryReadChild(out uint type, out ReadOnlySpan<byte> body) || type != FourCC.Tfhd)
            throw reader.Error("its first box is not a tfhd");

        // TrackFragmentHeaderBox (§8.8.7).
        var tfhd = new Mp4BoxReader(body, "moof/traf/tfhd");
        (_, uint tfFlags) = tfhd.ReadFullBoxHeader();
        uint trackId = tfhd.ReadUInt32("track_ID");
        tracks.TryGetValue(trackId, out Mp4Track? track);
        if (track is null && !nextDecodeTime.ContainsKey(trackId))
            throw tfhd.Error($"track_ID {trackId} is not a track of the moov");
        long baseOffset = (tfFlags & BaseDataOffsetPresent) != 0 ? (long)Math.Min(tfhd.ReadUInt64("base_data_offset"), long.MaxValue)
            : (tfFlags & DefaultBaseIsMoof) != 0 ? moofOffset
            : implicitBase;
        uint descriptionIndex = (tfFlags & SampleDescriptionIndexPresent) != 0 ? tfhd.ReadUInt32("sample_description_index") : track?.DefaultSampleDescriptionIndex ?? 1;
        uint defaultDuration = (tfFlags & DefaultSampleDurationPresent) != 0 ? tfhd.ReadUInt32("default_sample_duration") : track?.DefaultSampleDuration ?? 0;
        uint defaultSize = (tfFlags & DefaultSampleSizePresent) != 0 ? tfhd.ReadUInt32("default_sample_size") : track?.DefaultSampleSize ?? 0;
        uint defaultFlags = (tfFlags & DefaultSampleFlagsPresent) != 0 ? tfhd.ReadUInt32("default_sample_flags") : track?.DefaultSampleFlags ?? 0;
        if (track is not null && descriptionIndex != 1)
            throw tfhd.Error($"sample_description_index {descriptionIndex}: only the first sample entry of a track is supported");

        long decodeTime = nextDecodeTime.GetValueOrDefault(trackId);
        long dataEnd = baseOffset;
        bool firstTrun = true;
        while (reader.TryReadChild(out type, out body))
        {
            if (type == FourCC.Tfdt)
            {
                // TrackFragmentBaseMediaDecodeTimeBox (§8.8.12).
                var tfdt = new Mp4BoxReader(body, "moof/traf/tfdt");
                (byte version, _) = tfdt.ReadFullBoxHeader();
                ulong time = version == 1 ? tfdt.ReadUInt64("baseMediaDecodeTime") : tfdt.ReadUInt32("baseMediaDecodeTime");
                if (time > long.MaxValue / 2)
                    throw tfdt.Error($"baseMediaDecodeTime {time} is out of range");
                decodeTime = (long)time;
            }
            else if (type == FourCC.Trun)
            {
                // TrackRunBox (§8.8.8).
                var trun = new Mp4BoxReader(body, "moof/traf/trun");
                (byte version, uint flags) = trun.ReadFullBoxHeader();
                uint count = trun.ReadUInt32("sample_count");
                // A trun's data starts at base + data_offset, or right after the previous trun's data (§8.8.8.1).
                long offset = (flags & DataOffsetPresent) != 0 ? baseOffset + trun.ReadInt32("data_offset") : firstTrun ? baseOffset : dataEnd;
                uint firstFlags = (flags & FirstSampleFlagsPresent) != 0 ? trun.ReadUInt32("first_sample_flags") : defaultFlags;
                int perSample = 4 * (((flags & SampleDurationPresent) != 0 ? 1 : 0) + ((flags & SampleSizePresent) != 0 ? 1 : 0)
                    + ((flags & SampleFlagsPresent) != 0 ? 1 : 0) + ((flags & SampleCompositionTimeOffsetsPresent) != 0 ? 1 : 0));
                // Bound the count before looping: by the bytes present, and by the per-fragment limit.
                if ((perSample > 0 && count > (uint)(trun.Remaining / perSample)) || samples.Count + (long)count > options.MaxSamplesPerFragment)
                    throw trun.Error($"sample_count {count} does not fit the box ({trun.Remaining} bytes of {perSample} per sample) or the limit of {options.MaxSamplesPerFragment} samples per fragment");
                for (uint i = 0; i < count; i++)
                {
                    uint duration = (flags & SampleDurationPresent) != 0 ? trun.ReadUInt32("sample_duration") : defaultDuration;
                    uint size = (flags & SampleSizePresent) != 0 ? trun.ReadUInt32("sample_size") : defaultSize;
                    uint sampleFlags = (flags & SampleFlagsPresent) != 0 ? trun.ReadUInt32("sample_flags") : i == 0 ? firstFlags : defaultFlags;
                    long compositionOffset = (flags & SampleCompositionTimeOffsetsPresent) == 0 ? 0
                        : version == 0 ? trun.ReadUInt32("sample_composition_time_offset") : trun.ReadInt32("sample_composition_time_offset");
                    if (size > int.MaxValue || offset < 0 || offset > long.MaxValue / 2)
                        throw trun.Error($"sample {i} has size {size} at offset {offset}");
                    if (track is not null)
                        samples.Add(new PendingSample(trackId, decodeTime, compositionOffset, duration, (sampleFlags & SampleIsNonSyncSample) == 0, offset, (int)size));
                    offset += size;
                    decodeTime += duration;
                }
                dataEnd = offset;
                firstTrun = false;
            }
        }
        nextDecodeTime[trackId] = decodeTime;
        return dataEnd;
    }
}
