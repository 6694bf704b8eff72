using System.Buffers;
using System.Globalization;
using MoqLive.Media.H264;

namespace MoqLive.Media.MpegTs;

/// <summary>
/// A sans-IO MPEG-TS demuxer (ISO/IEC 13818-1) for live H.264 ingest: feed it 188-byte transport packets in order with
/// <see cref="Push"/>, then take the completed access units with <see cref="TryReadFrame"/>; call <see cref="End"/> when
/// the input ends.
/// </summary>
/// <remarks>
/// <para>It follows the PAT and every PMT it lists; each H.264 elementary stream (stream_type 0x1B) is a rendition. Any
/// other stream type is refused with its name. A stream is configured (<see cref="Streams"/>) by its first IDR access
/// unit with SPS and PPS; access units before that cannot be decoded and are dropped. <see cref="IsReady"/> turns true
/// once every stream of every program is configured; from then on the programs' streams may not change (a new PAT or PMT
/// version with the same streams is fine).</para>
/// <para>Latency: a PES whose PES_packet_length is set is released by the packet that completes it, without waiting for
/// the next PES (ffmpeg writes video PES lengths with <c>-omit_video_pes_length 0</c>); a PES with length 0 ends at the
/// next payload_unit_start_indicator on its PID, or at <see cref="End"/>.</para>
/// <para>Errors throw <see cref="MpegTsFormatException"/> with the byte offset: lost sync, transport_error_indicator,
/// continuity_counter gaps (§2.4.3.3; a discontinuity_indicator or one duplicate packet is allowed), scrambled or
/// malformed packets, PSI sections that fail their CRC_32, malformed PES headers, a PES longer than its length, H.264
/// parameter sets that change mid-stream. Not thread-safe.</para>
/// </remarks>
public sealed class MpegTsDemuxer
{
    /// <summary>Bytes in a transport packet (§2.4.3.2).</summary>
    public const int PacketSize = 188;

    /// <summary>sync_byte (§2.4.3.3).</summary>
    public const byte SyncByte = 0x47;

    /// <summary>stream_type of AVC video (ISO/IEC 13818-1 Table 2-34).</summary>
    public const byte StreamTypeH264 = 0x1B;

    /// <summary>Largest PES buffered (a key frame of a high-bitrate encode fits many times over).</summary>
    public const int MaxPesSize = 16 * 1024 * 1024;

    /// <summary>Completed access units held while a stream still waits for its first IDR with SPS and PPS.</summary>
    public const int MaxQueuedFrames = 1024;

    private const int PatPid = 0x0000;
    private const int NullPid = 0x1FFF;
    private const int MaxSectionLength = 1021; // §2.4.4.3 / §2.4.4.8: section_length of a PAT or PMT
    private const long TimestampWrap = 1L << 33;

    private readonly Dictionary<int, PidState> _pids = [];
    private readonly Dictionary<int, ushort> _pmtPids = []; // PMT PID → program_number
    private readonly Dictionary<int, EsState> _streams = []; // elementary PID → state
    private readonly Queue<MpegTsFrame> _frames = new();
    private int _patVersion = -1;
    private long? _timestampReference;
    private bool _frozen;

    /// <summary>Bytes pushed so far (the offset of the next packet).</summary>
    public long Position { get; private set; }

    /// <summary>True once the PAT, every PMT it lists, and an IDR with SPS and PPS on every H.264 stream arrived.</summary>
    public bool IsReady { get; private set; }

    /// <summary>The configured H.264 streams, in PID order (complete once <see cref="IsReady"/>).</summary>
    public IReadOnlyList<MpegTsStream> Streams =>
        [.. _streams.Values.Where(s => s.Stream is not null).Select(s => s.Stream!).OrderBy(s => s.Pid)];

    /// <summary>Feeds the next transport packet.</summary>
    /// <exception cref="ArgumentException">Not <see cref="PacketSize"/> bytes.</exception>
    /// <exception cref="MpegTsFormatException">Malformed input (see the remarks).</exception>
    public void Push(ReadOnlySpan<byte> packet)
    {
        if (packet.Length != PacketSize)
            throw new ArgumentException($"A transport packet is {PacketSize} bytes, not {packet.Length}.", nameof(packet));
        long at = Position;
        Position += PacketSize;
        if (packet[0] != SyncByte)
            throw Error(at, $"lost sync: the packet starts with 0x{packet[0]:X2} instead of the sync byte 0x47 (is the input MPEG-TS with 188-byte packets?)");
        int pid = ((packet[1] & 0x1F) << 8) | packet[2];
        if ((packet[1] & 0x80) != 0)
            throw Error(at, $"PID 0x{pid:X4} has transport_error_indicator set (the packet is damaged)");
        bool unitStart = (packet[1] & 0x40) != 0;
        int adaptation = (packet[3] >> 4) & 3;
        int continuity = packet[3] & 0xF;
        if (adaptation == 0)
            throw Error(at, $"PID 0x{pid:X4} has the reserved adaptation_field_control '00'");
        int payloadStart = 4;
        bool discontinuity = false;
        if ((adaptation & 2) != 0)
        {
            int length = packet[4];
            // §2.4.3.5: 183 bytes when the packet has no payload, at most 182 when it has one.
            if (adaptation == 2 ? length != 183 : length > 182)
                throw Error(at, $"PID 0x{pid:X4} has an adaptation_field_length of {length}, which does not fit the packet");
            discontinuity = length > 0 && (packet[5] & 0x80) != 0;
            payloadStart = 5 + length;
        }
        if (pid == NullPid)
            return;
        bool psi = pid == PatPid || _pmtPids.ContainsKey(pid);
        _streams.TryGetValue(pid, out EsState? es);
        if (!psi && es is null)
            return; // Tables and streams nobody listed (SDT, NIT, other programs' data): not ours to check.
        if ((adaptation & 1) == 0)
            return; // Adaptation field only (e.g. a PCR): §2.4.3.3, the continuity_counter does not advance.

        PidState state = _pids.TryGetValue(pid, out PidState? known) ? known : _pids[pid] = new PidState();
        if (state.Continuity >= 0 && !discontinuity)
        {
            if (continuity == state.Continuity)
            {
                // §2.4.3.3: a packet may be sent twice; the duplicate is discarded. Twice in a row is an error.
                if (state.Duplicate)
                    throw Error(at, $"continuity error on PID 0x{pid:X4}: continuity_counter {continuity} a third time");
                state.Duplicate = true;
                return;
            }
            int expected = (state.Continuity + 1) & 0xF;
            if (continuity != expected)
                throw Error(at, $"continuity error on PID 0x{pid:X4}: continuity_counter {continuity}, expected {expected} ({(continuity - expected) & 0xF} packets lost?)");
        }
        state.Continuity = continuity;
        state.Duplicate = false;

        ReadOnlySpan<byte> payload = packet[payloadStart..];
        if (psi)
            PushSection(pid, state, payload, unitStart, at);
        else
            PushPes(es!, payload, unitStart, at);
    }

    /// <summary>Takes the next completed access unit of a configured stream, in the order they completed.</summary>
    public bool TryReadFrame(out MpegTsFrame frame)
    {
        if (IsReady && _frames.TryDequeue(out MpegTsFrame? next))
        {
            frame = next;
            return true;
        }
        frame = null!;
        return false;
    }

    /// <summary>
    /// The input ended: completes each PES with PES_packet_length 0 (it ends with the input). A PES whose length says
    /// more bytes were to come is an error.
    /// </summary>
    public void End()
    {
        foreach (EsState es in _streams.Values.OrderBy(s => s.Pid))
        {
            if (es.Pes is null)
                continue;
            if (es.PesLength > 0)
                throw Error(Position, $"the input ends inside the PES on PID 0x{es.Pid:X4} that started at byte {es.PesOffset}: {es.Pes.WrittenCount} of its {es.PesLength} bytes arrived");
            CompletePes(es);
        }
    }

    private void PushSection(int pid, PidState state, ReadOnlySpan<byte> payload, bool unitStart, long at)
    {
        if (unitStart)
        {
            if (payload.Length == 0 || payload[0] + 1 > payload.Length)
                throw Error(at, $"PID 0x{pid:X4}: the pointer_field points past the end of the packet");
            int pointer = payload[0];
            if (state.Section.WrittenCount > 0)
                AppendSection(pid, state, payload.Slice(1, pointer), at);
            state.Section.Clear();
            state.SectionStarted = true;
            payload = payload[(1 + pointer)..];
        }
        else if (!state.SectionStarted)
        {
            return; // The input started inside a section.
        }
        AppendSection(pid, state, payload, at);
    }

    private void AppendSection(int pid, PidState state, ReadOnlySpan<byte> bytes, long at)
    {
        while (bytes.Length > 0)
        {
            if (state.Section.WrittenCount == 0 && bytes[0] == 0xFF)
            {
                state.SectionStarted = false; // stuffing_byte: no more sections in this packet (§2.4.4.2)
                return;
            }
            int need = 3;
            if (state.Section.WrittenCount >= 3)
            {
                ReadOnlySpan<byte> head = state.Section.WrittenSpan;
                int sectionLength = ((head[1] & 0x0F) << 8) | head[2];
                // Shorter than a long-form section's fixed fields and CRC_32 (§2.4.4.3), or longer than a PAT or PMT may be.
                if (sectionLength is < 9 or > MaxSectionLength)
                    throw Error(at, $"PID 0x{pid:X4}: a section with table_id 0x{head[0]:X2} has section_length {sectionLength}, outside 9–{MaxSectionLength}");
                need = 3 + sectionLength;
            }
            int take = Math.Min(need - state.Section.WrittenCount, bytes.Length);
            state.Section.Write(bytes[..take]);
            bytes = bytes[take..];
            if (state.Section.WrittenCount == need && need > 3)
            {
                byte[] section = state.Section.WrittenSpan.ToArray();
                state.Section.Clear();
                OnSection(pid, section, at);
            }
        }
    }

    private void OnSection(int pid, byte[] section, long at)
    {
        if (pid == PatPid ? section[0] != 0x00 : section[0] != 0x02)
            return; // Other tables on these PIDs are not ours to read.
        string table = pid == PatPid ? "PAT" : $"PMT on PID 0x{pid:X4}";
        if ((section[1] & 0x80) == 0 || section.Length < 12)
            throw Error(at, $"the {table} section is malformed (section_syntax_indicator 0 or shorter than its fixed fields)");
        if (Crc32Mpeg2(section) != 0)
            throw Error(at, $"the {table} section fails its CRC_32");
        int version = (section[5] >> 1) & 0x1F;
        if ((section[5] & 1) == 0)
            return; // current_next_indicator 0: not applicable yet.
        ReadOnlySpan<byte> body = section.AsSpan(8, section.Length - 12);
        if (pid == PatPid)
            OnPat(version, body, at);
        else
            OnPmt(pid, version, (ushort)((section[3] << 8) | section[4]), body, at);
        UpdateReady(at);
    }

    private void OnPat(int version, ReadOnlySpan<byte> programs, long at)
    {
        if (version == _patVersion)
            return;
        if (programs.Length % 4 != 0)
            throw Error(at, "the PAT's program loop is not a whole number of 4-byte entries");
        var pmts = new Dictionary<int, ushort>();
        for (int i = 0; i < programs.Length; i += 4)
        {
            ushort number = (ushort)((programs[i] << 8) | programs[i + 1]);
            int pmtPid = ((programs[i + 2] & 0x1F) << 8) | programs[i + 3];
            if (number != 0) // program 0 names the network PID (§2.4.4.3)
                pmts[pmtPid] = number;
        }
        if (_frozen && !pmts.OrderBy(p => p.Key).SequenceEqual(_pmtPids.OrderBy(p => p.Key)))
            throw Error(at, $"the PAT changed its programs mid-stream (version {version}); restart publishing for a new program layout");
        foreach (int gone in _pmtPids.Keys.Where(p => !pmts.ContainsKey(p)).ToList())
        {
            _pmtPids.Remove(gone);
            _pids.Remove(gone);
            foreach (EsState es in _streams.Values.Where(s => s.PmtPid == gone).ToList())
                _streams.Remove(es.Pid);
        }
        foreach ((int pmtPid, ushort number) in pmts)
            _pmtPids[pmtPid] = number;
        _patVersion = version;
    }

    private void OnPmt(int pmtPid, int version, ushort program, ReadOnlySpan<byte> body, long at)
    {
        PidState state = _pids[pmtPid];
        if (version == state.TableVersion)
            return;
        if (body.Length < 4)
            throw Error(at, $"the PMT on PID 0x{pmtPid:X4} is shorter than its fixed fields");
        int programInfoLength = ((body[2] & 0x0F) << 8) | body[3];
        if (4 + programInfoLength > body.Length)
            throw Error(at, $"the PMT on PID 0x{pmtPid:X4} has a program_info_length of {programInfoLength}, past its end");
        var streams = new List<(int Pid, byte Type)>();
        for (int i = 4 + programInfoLength; i < body.Length;)
        {
            if (i + 5 > body.Length)
                throw Error(at, $"the PMT on PID 0x{pmtPid:X4} ends inside an elementary stream entry");
            byte type = body[i];
            int pid = ((body[i + 1] & 0x1F) << 8) | body[i + 2];
            int infoLength = ((body[i + 3] & 0x0F) << 8) | body[i + 4];
            i += 5 + infoLength;
            if (i > body.Length)
                throw Error(at, $"the PMT on PID 0x{pmtPid:X4} has an ES_info_length of {infoLength} for PID 0x{pid:X4}, past its end");
            if (type != StreamTypeH264)
                throw Error(at, $"program {program} has an unsupported stream on PID 0x{pid:X4}: stream_type 0x{type:X2} ({StreamTypeName(type)}). MoqLive publishes H.264 video (stream_type 0x1B) from MPEG-TS: encode with '-c:v libx264 -bf 0' and drop audio with '-an' (Opus audio needs fragmented MP4: -f mp4 -c:a libopus)");
            if (pid == PatPid || pid == NullPid || _pmtPids.ContainsKey(pid) || streams.Any(s => s.Pid == pid))
                throw Error(at, $"the PMT on PID 0x{pmtPid:X4} lists the reserved or already used PID 0x{pid:X4} for a stream");
            streams.Add((pid, type));
        }
        List<int> current = [.. _streams.Values.Where(s => s.PmtPid == pmtPid).Select(s => s.Pid).Order()];
        if (_frozen && !current.SequenceEqual(streams.Select(s => s.Pid).Order()))
            throw Error(at, $"the PMT of program {program} changed its streams mid-stream (version {version}): PIDs {Pids(current)} became {Pids(streams.Select(s => s.Pid))}; restart publishing for a new stream layout");
        foreach (int gone in current.Where(p => streams.All(s => s.Pid != p)))
        {
            _streams.Remove(gone);
            _pids.Remove(gone);
        }
        foreach ((int pid, _) in streams)
        {
            if (_streams.TryGetValue(pid, out EsState? other) && other.PmtPid != pmtPid)
                throw Error(at, $"PID 0x{pid:X4} is listed by two programs");
            _streams.TryAdd(pid, new EsState((ushort)pid, pmtPid, program));
        }
        state.TableVersion = version;
    }

    private void PushPes(EsState es, ReadOnlySpan<byte> payload, bool unitStart, long at)
    {
        if (unitStart)
        {
            if (es.Pes is not null)
            {
                if (es.PesLength > 0)
                    throw Error(at, $"the PES on PID 0x{es.Pid:X4} that started at byte {es.PesOffset} was cut short: a new PES started after {es.Pes.WrittenCount} of its {es.PesLength} bytes");
                CompletePes(es); // PES_packet_length 0: it ends where the next one starts (§2.4.3.7).
            }
            es.Pes = new ArrayBufferWriter<byte>(Math.Max(payload.Length, 4096));
            es.PesOffset = at;
            es.PesLength = -1;
        }
        else if (es.Pes is null)
        {
            if (es.PesSeen)
                throw Error(at, $"PID 0x{es.Pid:X4} carries payload after its PES ended, without a new PES start");
            return; // The input started inside a PES.
        }
        if (es.Pes.WrittenCount + payload.Length > MaxPesSize)
            throw Error(at, $"the PES on PID 0x{es.Pid:X4} that started at byte {es.PesOffset} is larger than {MaxPesSize} bytes");
        es.Pes.Write(payload);
        if (es.PesLength < 0 && es.Pes.WrittenCount >= 6)
        {
            ReadOnlySpan<byte> head = es.Pes.WrittenSpan;
            if (head[0] != 0 || head[1] != 0 || head[2] != 1)
                throw Error(es.PesOffset, $"PID 0x{es.Pid:X4}: the PES does not start with packet_start_code_prefix 00 00 01");
            int length = (head[4] << 8) | head[5];
            es.PesLength = length == 0 ? 0 : 6 + length;
        }
        if (es.PesLength > 0 && es.Pes.WrittenCount >= es.PesLength)
        {
            if (es.Pes.WrittenCount > es.PesLength)
                throw Error(at, $"the PES on PID 0x{es.Pid:X4} that started at byte {es.PesOffset} carries {es.Pes.WrittenCount} bytes, more than its PES_packet_length says ({es.PesLength})");
            CompletePes(es); // Complete: released now, not when the next PES starts.
        }
    }

    private void CompletePes(EsState es)
    {
        ArrayBufferWriter<byte> pes = es.Pes!;
        long at = es.PesOffset;
        es.Pes = null;
        es.PesSeen = true;
        ReadOnlySpan<byte> data = pes.WrittenSpan;
        if (data.Length < 9 || data[0] != 0 || data[1] != 0 || data[2] != 1)
            throw Error(at, $"PID 0x{es.Pid:X4}: the PES is shorter than its header or lacks packet_start_code_prefix");
        // §2.4.3.7: video streams carry the optional PES header ('10' marker bits).
        if ((data[6] & 0xC0) != 0x80)
            throw Error(at, $"PID 0x{es.Pid:X4}: the PES (stream_id 0x{data[3]:X2}) has no optional PES header");
        int timestampFlags = data[7] >> 6;
        int headerLength = data[8];
        if (9 + headerLength > data.Length)
            throw Error(at, $"PID 0x{es.Pid:X4}: PES_header_data_length {headerLength} runs past the PES");
        if (timestampFlags is 0 or 1)
            throw Error(at, $"PID 0x{es.Pid:X4}: the PES has {(timestampFlags == 0 ? "no PTS" : "the forbidden PTS_DTS_flags '01'")}; MoqLive needs a PTS on every access unit");
        if (headerLength < (timestampFlags == 3 ? 10 : 5))
            throw Error(at, $"PID 0x{es.Pid:X4}: PES_header_data_length {headerLength} is too short for its PTS{(timestampFlags == 3 ? " and DTS" : "")}");
        long pts = ReadTimestamp(data[9..]);
        long dts = timestampFlags == 3 ? ReadTimestamp(data[14..]) : pts;
        dts = Unwrap(dts);
        pts = Unwrap(pts, dts);
        OnAccessUnit(es, data[(9 + headerLength)..], dts, pts, at);
    }

    private void OnAccessUnit(EsState es, ReadOnlySpan<byte> annexB, long dts, long pts, long at)
    {
        List<Range> units;
        try
        {
            units = H264Nal.Split(annexB);
        }
        catch (MediaFormatException e)
        {
            throw Error(at, $"PID 0x{es.Pid:X4}: {e.Message}");
        }
        bool key = false;
        int size = 0;
        ReadOnlySpan<byte> sps = default, pps = default;
        foreach (Range unit in units)
        {
            ReadOnlySpan<byte> nal = annexB[unit];
            switch (H264Nal.Type(nal))
            {
                case H264Nal.Sps:
                    sps = nal;
                    break;
                case H264Nal.Pps:
                    pps = nal;
                    break;
                case H264Nal.AccessUnitDelimiter:
                    break;
                default:
                    key |= H264Nal.Type(nal) == H264Nal.IdrSlice;
                    size += 4 + nal.Length;
                    break;
            }
        }
        if (!sps.IsEmpty)
            es.LastSps = sps.ToArray();
        if (!pps.IsEmpty)
            es.LastPps = pps.ToArray();
        if (es.Stream is null)
        {
            if (!key || es.LastSps is null || es.LastPps is null)
                return; // Not decodable until an IDR with parameter sets.
            Configure(es, at);
        }
        else if ((!sps.IsEmpty && !sps.SequenceEqual(es.ConfiguredSps)) || (!pps.IsEmpty && !pps.SequenceEqual(es.ConfiguredPps)))
        {
            throw Error(at, $"PID 0x{es.Pid:X4}: the H.264 parameter sets (SPS/PPS) changed mid-stream; the channel's decoder configuration is fixed, restart publishing for a new encode");
        }
        if (size == 0)
            return; // Parameter sets or delimiters only: nothing to decode.
        byte[] frame = new byte[size];
        int written = 0;
        foreach (Range unit in units)
        {
            ReadOnlySpan<byte> nal = annexB[unit];
            if (H264Nal.Type(nal) is H264Nal.Sps or H264Nal.Pps or H264Nal.AccessUnitDelimiter)
                continue;
            H264Nal.WriteLengthPrefixed(nal, frame.AsSpan(written));
            written += 4 + nal.Length;
        }
        if (!IsReady && _frames.Count >= MaxQueuedFrames)
        {
            string waiting = string.Join(", ", _streams.Values.Where(s => s.Stream is null).Select(s => $"0x{s.Pid:X4}"));
            throw Error(at, $"no IDR access unit with SPS and PPS on PID {waiting} in the first {MaxQueuedFrames} access units of the other streams");
        }
        _frames.Enqueue(new MpegTsFrame(es.Pid, dts, pts, key, frame, at));
    }

    private void Configure(EsState es, long at)
    {
        byte[] sps = es.LastSps!, pps = es.LastPps!;
        if (sps.Length > ushort.MaxValue || pps.Length > ushort.MaxValue)
            throw Error(at, $"PID 0x{es.Pid:X4}: an SPS or PPS is longer than an avcC record holds");
        H264SequenceParameterSet parsed;
        try
        {
            parsed = H264SequenceParameterSet.Parse(sps);
        }
        catch (MediaFormatException e)
        {
            throw Error(at, $"PID 0x{es.Pid:X4}: {e.Message}");
        }
        es.ConfiguredSps = sps;
        es.ConfiguredPps = pps;
        es.Stream = new MpegTsStream(es.Pid, es.Program, H264Nal.CodecString(sps), H264Nal.AvcDecoderConfigurationRecord(sps, pps, parsed), parsed.Width, parsed.Height);
        UpdateReady(at);
    }

    private void UpdateReady(long at)
    {
        if (IsReady || _patVersion < 0 || _pmtPids.Keys.Any(p => !_pids.TryGetValue(p, out PidState? s) || s.TableVersion < 0))
            return;
        if (_streams.Count == 0)
            throw Error(at, "the programs carry no elementary stream");
        if (_streams.Values.All(s => s.Stream is not null))
        {
            IsReady = true;
            _frozen = true;
        }
    }

    /// <summary>
    /// Maps a 33-bit 90 kHz time (§2.4.3.7) to the value nearest to the previous decode time of any stream, so times
    /// keep increasing across the wrap (every 26.5 hours) and all streams unwrap alike.
    /// </summary>
    private long Unwrap(long time, long? near = null)
    {
        long reference = near ?? _timestampReference ?? time;
        long value = (reference & ~(TimestampWrap - 1)) | time;
        if (value - reference > TimestampWrap / 2)
            value -= TimestampWrap;
        else if (reference - value > TimestampWrap / 2)
            value += TimestampWrap;
        if (near is null)
            _timestampReference = value;
        return value;
    }

    private static long ReadTimestamp(ReadOnlySpan<byte> b) =>
        ((long)((b[0] >> 1) & 0x07) << 30) | ((long)b[1] << 22) | ((long)(b[2] >> 1) << 15) | ((long)b[3] << 7) | ((long)b[4] >> 1);

    /// <summary>CRC_32 of ISO/IEC 13818-1 Annex A (polynomial 0x04C11DB7, initial 0xFFFFFFFF, no reflection); 0 over a whole section.</summary>
    internal static uint Crc32Mpeg2(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= (uint)b << 24;
            for (int i = 0; i < 8; i++)
                crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
        }
        return crc;
    }

    private static string StreamTypeName(byte type) => type switch
    {
        0x01 => "MPEG-1 video",
        0x02 => "MPEG-2 video",
        0x03 or 0x04 => "MPEG audio",
        0x06 => "PES private data, e.g. Opus, AC-3 or subtitles",
        0x0F => "AAC audio, ADTS",
        0x10 => "MPEG-4 Part 2 video",
        0x11 => "AAC audio, LATM",
        0x15 => "metadata",
        0x24 => "HEVC video",
        0x81 => "AC-3 audio",
        0x86 => "SCTE-35 cues",
        0x87 => "E-AC-3 audio",
        _ => "not supported",
    };

    private static string Pids(IEnumerable<int> pids) =>
        "[" + string.Join(", ", pids.Select(p => "0x" + p.ToString("X4", CultureInfo.InvariantCulture))) + "]";

    private static MpegTsFormatException Error(long at, string what) => new($"Invalid MPEG-TS at byte {at}: {what}.");

    private sealed class PidState
    {
        public int Continuity = -1;
        public bool Duplicate;
        public readonly ArrayBufferWriter<byte> Section = new(256);
        public bool SectionStarted;
        public int TableVersion = -1;
    }

    private sealed class EsState(ushort pid, int pmtPid, ushort program)
    {
        public ushort Pid { get; } = pid;
        public int PmtPid { get; } = pmtPid;
        public ushort Program { get; } = program;
        public ArrayBufferWriter<byte>? Pes;
        public long PesOffset;
        /// <summary>Whole PES size (6 + PES_packet_length), 0 for "until the next PES", -1 while its header is incomplete.</summary>
        public int PesLength = -1;
        public bool PesSeen;
        public byte[]? LastSps;
        public byte[]? LastPps;
        public byte[] ConfiguredSps = [];
        public byte[] ConfiguredPps = [];
        public MpegTsStream? Stream;
    }
}
