namespace MoqLive.Media.Mp4;

/// <summary>
/// Parses a moov (ISO/IEC 14496-12 §8.2.1) of a fragmented file: each trak's tkhd, mdhd, hdlr and first stsd entry,
/// and mvex/trex (§8.8.3) defaults for the fragments.
/// </summary>
internal static class MovieBoxParser
{
    /// <summary>The audio and video tracks, and every track_ID of the moov (fragments may carry the others too).</summary>
    public static (List<Mp4Track> Tracks, HashSet<uint> AllTrackIds) Parse(ReadOnlySpan<byte> moov, Mp4ReaderOptions options)
    {
        var all = new HashSet<uint>();
        var reader = new Mp4BoxReader(moov, "moov");
        var tracks = new List<Mp4Track>();
        var trex = new Dictionary<uint, (uint Index, uint Duration, uint Size, uint Flags)>();
        bool fragmented = false;
        int trakCount = 0;
        while (reader.TryReadChild(out uint type, out ReadOnlySpan<byte> body))
        {
            if (type == FourCC.Trak)
            {
                if (++trakCount > options.MaxTracks)
                    throw reader.Error($"more than {options.MaxTracks} tracks");
                if (ParseTrak(body, all) is { } track)
                    tracks.Add(track);
            }
            else if (type == FourCC.Mvex)
            {
                fragmented = true;
                var mvex = new Mp4BoxReader(body, "moov/mvex");
                while (mvex.TryReadChild(out uint childType, out ReadOnlySpan<byte> child))
                {
                    if (childType != FourCC.Trex)
                        continue;
                    // TrackExtendsBox (§8.8.3).
                    var r = new Mp4BoxReader(child, "moov/mvex/trex");
                    r.ReadFullBoxHeader();
                    uint id = r.ReadUInt32("track_ID");
                    trex[id] = (r.ReadUInt32("default_sample_description_index"), r.ReadUInt32("default_sample_duration"),
                        r.ReadUInt32("default_sample_size"), r.ReadUInt32("default_sample_flags"));
                }
            }
        }

        if (!fragmented)
        {
            throw new Mp4FormatException(
                "Not a fragmented MP4: the moov has no mvex box. Write fragmented MP4, e.g. ffmpeg ... -f mp4 -movflags frag_keyframe+empty_moov+default_base_moof.");
        }
        if (tracks.Count == 0)
            throw new Mp4FormatException("The MP4 has no audio or video track.");
        for (int i = 0; i < tracks.Count; i++)
        {
            if (!trex.TryGetValue(tracks[i].TrackId, out var d))
                throw reader.Error($"mvex has no trex for track_ID {tracks[i].TrackId}");
            tracks[i] = tracks[i] with
            {
                DefaultSampleDescriptionIndex = d.Index,
                DefaultSampleDuration = d.Duration,
                DefaultSampleSize = d.Size,
                DefaultSampleFlags = d.Flags,
            };
        }
        return (tracks, all);
    }

    private static Mp4Track? ParseTrak(ReadOnlySpan<byte> trak, HashSet<uint> all)
    {
        var reader = new Mp4BoxReader(trak, "moov/trak");
        uint? trackId = null;
        ReadOnlySpan<byte> mdia = default;
        bool hasMdia = false;
        while (reader.TryReadChild(out uint type, out ReadOnlySpan<byte> body))
        {
            if (type == FourCC.Tkhd)
            {
                // TrackHeaderBox (§8.3.2): track_ID follows the creation and modification times (32 or 64 bits).
                var tkhd = new Mp4BoxReader(body, "moov/trak/tkhd");
                (byte version, _) = tkhd.ReadFullBoxHeader();
                tkhd.Skip(version == 1 ? 16 : 8, "creation_time, modification_time");
                trackId = tkhd.ReadUInt32("track_ID");
                if (trackId == 0)
                    throw tkhd.Error("track_ID is 0");
            }
            else if (type == FourCC.Mdia)
            {
                mdia = body;
                hasMdia = true;
            }
        }
        if (trackId is null)
            throw reader.Error("it has no tkhd box");
        if (!all.Add(trackId.Value))
            throw reader.Error($"track_ID {trackId} appears twice");
        if (!hasMdia)
            throw reader.Error("it has no mdia box");

        uint timescale = 0;
        uint handler = 0;
        ReadOnlySpan<byte> stsd = default;
        var mdiaReader = new Mp4BoxReader(mdia, "moov/trak/mdia");
        while (mdiaReader.TryReadChild(out uint type, out ReadOnlySpan<byte> body))
        {
            if (type == FourCC.Mdhd)
            {
                // MediaHeaderBox (§8.4.2).
                var mdhd = new Mp4BoxReader(body, "moov/trak/mdia/mdhd");
                (byte version, _) = mdhd.ReadFullBoxHeader();
                mdhd.Skip(version == 1 ? 16 : 8, "creation_time, modification_time");
                timescale = mdhd.ReadUInt32("timescale");
                if (timescale == 0)
                    throw mdhd.Error("timescale is 0");
            }
            else if (type == FourCC.Hdlr)
            {
                // HandlerBox (§8.4.3): pre_defined, then handler_type.
                var hdlr = new Mp4BoxReader(body, "moov/trak/mdia/hdlr");
                hdlr.ReadFullBoxHeader();
                hdlr.Skip(4, "pre_defined");
                handler = hdlr.ReadUInt32("handler_type");
            }
            else if (type == FourCC.Minf)
            {
                stsd = FindStsd(body);
            }
        }
        if (handler is not (FourCC.Vide or FourCC.Soun))
            return null; // Subtitles, metadata, hints: not published.
        var kind = handler == FourCC.Vide ? Mp4TrackKind.Video : Mp4TrackKind.Audio;
        if (timescale == 0)
            throw mdiaReader.Error("it has no mdhd box");
        if (stsd.IsEmpty)
            throw mdiaReader.Error("it has no minf/stbl/stsd box");

        // SampleDescriptionBox (§8.5.2): entry_count, then the entries; fragments here use entry 1.
        var stsdReader = new Mp4BoxReader(stsd, "moov/trak/mdia/minf/stbl/stsd");
        stsdReader.ReadFullBoxHeader();
        if (stsdReader.ReadUInt32("entry_count") == 0 || !stsdReader.TryReadChild(out uint entryType, out ReadOnlySpan<byte> entry))
            throw stsdReader.Error("it has no sample entry");
        SampleEntryParser.Entry e = SampleEntryParser.Parse(entryType, entry, kind, stsdReader.Path);
        return new Mp4Track
        {
            TrackId = trackId.Value,
            Kind = kind,
            Timescale = timescale,
            SampleEntry = e.SampleEntry,
            Codec = e.Codec,
            Description = e.Description,
            Width = e.Width,
            Height = e.Height,
            ChannelCount = e.Channels,
            SampleRate = e.SampleRate,
        };
    }

    private static ReadOnlySpan<byte> FindStsd(ReadOnlySpan<byte> minf)
    {
        var reader = new Mp4BoxReader(minf, "moov/trak/mdia/minf");
        while (reader.TryReadChild(out uint type, out ReadOnlySpan<byte> body))
        {
            if (type != FourCC.Stbl)
                continue;
            var stbl = new Mp4BoxReader(body, "moov/trak/mdia/minf/stbl");
            while (stbl.TryReadChild(out uint childType, out ReadOnlySpan<byte> child))
            {
                if (childType == FourCC.Stsd)
                    return child;
            }
        }
        return default;
    }
}
