using System.Threading.Channels;
using MoqLive.Media.Catalog;
using MoqLive.Media.Loc;
using MoqLive.Media.Mp4;
using MoqLive.Moqt.Model;

namespace MoqLive.Media.Publishing;

/// <summary>
/// Publishes a fragmented MP4 or an MPEG-TS with H.264 (a file or a pipe from ffmpeg; <see cref="MediaReader"/> tells
/// them apart by content) as a MoqLive channel (docs/media-format.md): tracks
/// <c>catalog</c>, <c>video/hd</c> (the input's video), <c>video/sd</c> (a second, smaller video track of the same
/// frames, if any: a simulcast rendition for rate adaptation) and <c>audio</c> (its Opus audio, if any) under
/// <c>["live", NAME]</c>, in real time.
/// </summary>
/// <remarks>
/// <para>Drive it in two steps: <see cref="OpenAsync"/> reads the init segment and the first second of fragments (so a wrong input
/// fails before any network work, and the catalog knows frame rate and bitrate), then, once <see cref="Publisher"/>
/// is reachable by the relay, <see cref="RunAsync"/> publishes until the input ends (or forever with loop).</para>
/// <para>Mapping: media time maps onto the wall clock at the start of <see cref="RunAsync"/>; each sample is written
/// when its decode time is due on <see cref="MediaPublishOptions.TimeProvider"/>, with LOC TIMESTAMP = the due time
/// plus its composition offset, in µs since the Unix epoch. Video: a group per key frame (GOP), an object per frame in
/// subgroup 0, VIDEO_CONFIG on object 0; the frames of both video renditions that share a decode time share a TIMESTAMP,
/// so their key frames splice (the player switches renditions at a group boundary). Audio: an object per Opus packet, a group per 50 packets. Group IDs start at
/// the start time in ms since the epoch and go up by one (MSF §6.1); a loop shifts media time by the input's
/// duration, so timestamps and group IDs keep increasing.</para>
/// </remarks>
public sealed class MediaChannelPublisher : IDisposable
{
    private const int AudioPacketsPerGroup = 50;
    private const int ReadAhead = 2;

    private readonly Func<Stream> _open;
    private readonly MediaPublishOptions _options;
    /// <summary>Most video renditions an input may carry: <c>video/hd</c> and <c>video/sd</c>.</summary>
    private const int MaxVideoRenditions = 2;

    /// <summary>Recent video decode times (µs) → the TIMESTAMP written, so the other rendition's frame gets the same one.</summary>
    private const int SharedTimestamps = 64;

    /// <summary>The input's video tracks, largest first: <c>video/hd</c>, then <c>video/sd</c>.</summary>
    private readonly Mp4Track[] _videoTracks;
    private readonly Mp4Track? _audioTrack;
    private readonly long _originUs;
    private Stream _stream;
    private IMediaReader _reader;
    /// <summary>The fragments <see cref="OpenAsync"/> read ahead to measure the tracks; published first.</summary>
    private readonly Queue<Mp4Fragment> _firstFragments;
    private int _running;

    /// <summary>Media <see cref="OpenAsync"/> reads ahead for the catalog's bitrate and frame rate: a GOP of a live encode.</summary>
    private static readonly TimeSpan MeasureSpan = TimeSpan.FromSeconds(1);

    /// <summary>Most fragments read ahead (one per frame for a live encode: a second of 60 fps plus audio).</summary>
    private const int MaxMeasureFragments = 200;

    private MediaChannelPublisher(Func<Stream> open, MediaPublishOptions options, Stream stream, IMediaReader reader, List<Mp4Fragment> first)
    {
        _open = open;
        _options = options;
        _stream = stream;
        _reader = reader;
        _firstFragments = new Queue<Mp4Fragment>(first);
        InitSegment = reader.InitSegment!;
        _videoTracks = VideoRenditions(InitSegment);
        _audioTrack = InitSegment.Audio;
        _originUs = first[0].Samples.Count == 0 ? 0 : first[0].Samples.Min(s => TrackOf(s)?.ToMicroseconds(s.DecodeTime) ?? long.MaxValue);
        Namespace = ChannelTracks.Namespace(options.Channel);

        var cache = TrackProducerOptions.Default with { MaxGroups = options.CacheGroups, TimeProvider = options.TimeProvider };
        CatalogTrack = new TrackProducer(new TrackInfo(FullTrackName.Create(Namespace, ChannelTracks.Catalog), ChannelTracks.CatalogPriority), cache);
        var producers = new List<TrackProducer> { CatalogTrack };
        var catalogTracks = new List<MsfCatalogTrack>();
        var videoProducers = new List<TrackProducer>();
        foreach ((Mp4Track video, int index) in _videoTracks.Select((t, i) => (t, i)))
        {
            (string name, byte priority) = index == 0
                ? (ChannelTracks.VideoHd, ChannelTracks.VideoHdPriority)
                : (ChannelTracks.VideoSd, ChannelTracks.VideoSdPriority);
            var producer = new TrackProducer(new TrackInfo(FullTrackName.Create(Namespace, name), priority), cache);
            videoProducers.Add(producer);
            producers.Add(producer);
            (double fps, long bitrate) = Measure(video, first);
            catalogTracks.Add(new MsfCatalogTrack
            {
                Name = name,
                Role = "video",
                Codec = video.Codec,
                TargetLatency = options.TargetLatencyMs,
                Width = video.Width,
                Height = video.Height,
                Framerate = fps,
                Bitrate = bitrate,
                AltGroup = 1,
                InitData = video.Description,
            });
        }
        if (_audioTrack is { } audio)
        {
            AudioTrack = new TrackProducer(new TrackInfo(FullTrackName.Create(Namespace, ChannelTracks.Audio), ChannelTracks.AudioPriority), cache);
            producers.Add(AudioTrack);
            catalogTracks.Add(new MsfCatalogTrack
            {
                Name = ChannelTracks.Audio,
                Role = "audio",
                Codec = audio.Codec,
                TargetLatency = options.TargetLatencyMs,
                Samplerate = audio.SampleRate,
                ChannelConfig = audio.ChannelCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Bitrate = Measure(audio, first).Bitrate,
                InitData = audio.Description,
            });
        }
        VideoTracks = videoProducers;
        Catalog = new MsfCatalog { Tracks = catalogTracks, Title = options.Title };
        Publisher = new TrackSetPublisher(producers);
    }

    /// <summary>What the input's moov says.</summary>
    public Mp4InitSegment InitSegment { get; }

    /// <summary>The catalog (its generatedAt is set when <see cref="RunAsync"/> publishes it).</summary>
    public MsfCatalog Catalog { get; }

    /// <summary><c>["live", NAME]</c>.</summary>
    public TrackNamespace Namespace { get; }

    /// <summary>Serves the channel's tracks: pass it to the session and to PUBLISH_NAMESPACE.</summary>
    public TrackSetPublisher Publisher { get; }

    public TrackProducer CatalogTrack { get; }

    /// <summary><c>video/hd</c>, or null when the input has no video.</summary>
    public TrackProducer? VideoTrack => VideoTracks.Count == 0 ? null : VideoTracks[0];

    /// <summary>The video renditions: <c>video/hd</c>, then <c>video/sd</c> when the input has a second video track.</summary>
    public IReadOnlyList<TrackProducer> VideoTracks { get; }

    /// <summary><c>audio</c>, or null when the input has no audio.</summary>
    public TrackProducer? AudioTrack { get; }

    /// <summary>
    /// Opens the input and reads its init segment and its first second of fragments (or all, if shorter): a live encode
    /// writes a fragment per frame, and one key frame says nothing of a track's bitrate.
    /// </summary>
    /// <param name="open">Opens the input; called again for each pass with <see cref="MediaPublishOptions.Loop"/>.</param>
    /// <param name="options">Channel and pacing options.</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <exception cref="MediaFormatException">Neither fragmented MP4 nor MPEG-TS, an unsupported codec, no media, or more than two video tracks.</exception>
    public static async Task<MediaChannelPublisher> OpenAsync(Func<Stream> open, MediaPublishOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Stream stream = open();
        try
        {
            IMediaReader reader = await MediaReader.OpenAsync(stream, options.Reader, cancellationToken).ConfigureAwait(false);
            await reader.ReadInitSegmentAsync(cancellationToken).ConfigureAwait(false);
            Mp4Fragment first = await reader.ReadFragmentAsync(cancellationToken).ConfigureAwait(false)
                ?? throw reader.NoMediaError();
            var fragments = new List<Mp4Fragment> { first };
            while (fragments.Count < MaxMeasureFragments && Duration(reader.InitSegment!, fragments) < MeasureSpan
                && await reader.ReadFragmentAsync(cancellationToken).ConfigureAwait(false) is { } next)
            {
                fragments.Add(next);
            }
            return new MediaChannelPublisher(open, options, stream, reader, fragments);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Publishes the catalog, then the samples in real time until the input ends (never, with loop) or
    /// <paramref name="cancellationToken"/> fires; at the end of the input a final catalog with isComplete true follows
    /// and the tracks complete. Runs once.
    /// </summary>
    /// <exception cref="MediaFormatException">The input turned malformed, or changed its tracks between loop passes.</exception>
    public async Task<MediaPublishStatistics> RunAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
            throw new InvalidOperationException("RunAsync runs once.");
        TimeProvider time = _options.TimeProvider;
        long startUs = NowMicroseconds(time);
        ulong startMs = (ulong)(startUs / 1000);
        WriteCatalog(startMs, Catalog with { GeneratedAt = (long)startMs });

        var queue = Channel.CreateBounded<(Mp4Fragment Fragment, long ShiftUs)>(
            new BoundedChannelOptions(ReadAhead) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<int> reading = ReadFragmentsAsync(queue.Writer, stop.Token);

        GroupWriter[] videos = [.. VideoTracks.Select(t => new GroupWriter(t, startMs))];
        var audio = new GroupWriter(AudioTrack, startMs);
        var sharedTimestamps = new Dictionary<long, long>();
        var sharedOrder = new Queue<long>();
        long anchorUs = startUs;
        long maxLatenessUs = (long)_options.MaxLateness.TotalMicroseconds;
        try
        {
            await foreach ((Mp4Fragment fragment, long shiftUs) in queue.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                foreach (Mp4Sample sample in fragment.Samples.Where(s => TrackOf(s) is not null).OrderBy(s => TrackOf(s)!.ToMicroseconds(s.DecodeTime)))
                {
                    Mp4Track track = TrackOf(sample)!;
                    int rendition = Array.IndexOf(_videoTracks, track);
                    GroupWriter? video = rendition < 0 ? null : videos[rendition];
                    if (video is { Started: false } && !sample.IsKeyFrame)
                        continue; // A GOP that does not start with a key frame cannot be decoded.
                    long decodeUs = track.ToMicroseconds(sample.DecodeTime) + shiftUs;
                    if (video is not null && sharedTimestamps.TryGetValue(decodeUs, out long shared))
                    {
                        // The other rendition's copy of a frame already written: the same capture time, written now (no
                        // pacing: it was due with its twin), so key frames line up for RenditionSplice in the player.
                        video.Write(sample, shared, sample.IsKeyFrame, track.Description);
                        continue;
                    }
                    long dueUs = anchorUs + track.ToMicroseconds(sample.DecodeTime) - _originUs + shiftUs;
                    long nowUs = NowMicroseconds(time);
                    if (dueUs > nowUs && _options.Live)
                    {
                        // Live input: the sample exists now, so it is due now (see MediaPublishOptions.Live).
                        anchorUs -= dueUs - nowUs;
                        dueUs = nowUs;
                    }
                    else if (dueUs > nowUs)
                    {
                        // Whole milliseconds, rounded up: Task.Delay truncates to ms, which would send up to 1 ms early.
                        await Task.Delay(TimeSpan.FromMilliseconds((dueUs - nowUs + 999) / 1000), time, stop.Token).ConfigureAwait(false);
                    }
                    else if (nowUs - dueUs > maxLatenessUs)
                    {
                        // The input stalled: move the mapping so the rest is paced from now, not sent in a burst.
                        anchorUs += nowUs - dueUs;
                        dueUs = nowUs;
                    }
                    long timestampUs = dueUs + track.ToMicroseconds(sample.PresentationTime) - track.ToMicroseconds(sample.DecodeTime);
                    if (video is not null)
                    {
                        video.Write(sample, Math.Max(0, timestampUs), sample.IsKeyFrame, track.Description);
                        if (_videoTracks.Length > 1)
                        {
                            sharedTimestamps[decodeUs] = Math.Max(0, timestampUs);
                            sharedOrder.Enqueue(decodeUs);
                            if (sharedOrder.Count > SharedTimestamps)
                                sharedTimestamps.Remove(sharedOrder.Dequeue());
                        }
                    }
                    else
                        audio.Write(sample, Math.Max(0, timestampUs), audio.ObjectsInGroup >= AudioPacketsPerGroup, null);
                }
            }
            int passes = await reading.ConfigureAwait(false);
            foreach (GroupWriter video in videos)
                video.Close();
            audio.Close();
            // MSF §5.1.7: the broadcast is over; a final independent catalog in a new group says so.
            WriteCatalog(startMs + 1, Catalog with { GeneratedAt = NowMicroseconds(time) / 1000, IsComplete = true, Tracks = [] });
            foreach (TrackProducer video in VideoTracks)
                video.Complete();
            AudioTrack?.Complete();
            CatalogTrack.Complete();
            return new MediaPublishStatistics(videos.Sum(v => v.Objects), videos.Sum(v => v.Groups), audio.Objects, passes);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (GroupWriter video in videos)
                video.Close();
            audio.Close();
            // Not awaited: the reader can sit in a read that ignores cancellation (standard input). Its failure, if any,
            // already surfaced through the queue; observe it so it is not reported as unobserved.
            _ = reading.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        CatalogTrack.Dispose();
        foreach (TrackProducer video in VideoTracks)
            video.Dispose();
        AudioTrack?.Dispose();
    }

    private async Task<int> ReadFragmentsAsync(ChannelWriter<(Mp4Fragment, long)> writer, CancellationToken cancellationToken)
    {
        int passes = 1;
        long shiftUs = 0;
        long passEndUs = 0;
        try
        {
            while (true)
            {
                Mp4Fragment? fragment = _firstFragments.TryDequeue(out Mp4Fragment? read) ? read : await _reader.ReadFragmentAsync(cancellationToken).ConfigureAwait(false);
                if (fragment is null)
                {
                    if (!_options.Loop)
                        break;
                    if (passEndUs <= 0)
                        throw new Mp4FormatException("The input has no media samples to loop.");
                    shiftUs += passEndUs;
                    passEndUs = 0;
                    await RestartAsync(cancellationToken).ConfigureAwait(false);
                    passes++;
                    continue;
                }
                foreach (Mp4Sample s in fragment.Samples)
                {
                    if (TrackOf(s) is { } track)
                        passEndUs = Math.Max(passEndUs, track.ToMicroseconds(s.DecodeTime + s.Duration) - _originUs);
                }
                await writer.WriteAsync((fragment, shiftUs), cancellationToken).ConfigureAwait(false);
            }
            writer.TryComplete();
            return passes;
        }
        catch (Exception e)
        {
            writer.TryComplete(e);
            throw;
        }
    }

    private async Task RestartAsync(CancellationToken cancellationToken)
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _stream = _open();
        _reader = await MediaReader.OpenAsync(_stream, _options.Reader, cancellationToken).ConfigureAwait(false);
        Mp4InitSegment init = await _reader.ReadInitSegmentAsync(cancellationToken).ConfigureAwait(false);
        Mp4Track[] videos = VideoRenditions(init);
        if (videos.Length != _videoTracks.Length || videos.Where((v, i) => !SameTrack(v, _videoTracks[i])).Any() || !SameTrack(init.Audio, _audioTrack))
            throw new Mp4FormatException("The input's tracks changed between loop passes (codec, size or decoder configuration).");
    }

    private static bool SameTrack(Mp4Track? a, Mp4Track? b) =>
        a is null ? b is null
        : b is not null && a.TrackId == b.TrackId && a.Codec == b.Codec && a.Timescale == b.Timescale && a.Width == b.Width && a.Height == b.Height
            && (a.Description ?? []).AsSpan().SequenceEqual(b.Description ?? []);

    private Mp4Track? TrackOf(Mp4Sample sample) =>
        Array.Find(_videoTracks, t => t.TrackId == sample.TrackId) ?? (_audioTrack?.TrackId == sample.TrackId ? _audioTrack : null);

    /// <summary>The video tracks, largest picture first (docs/media-format.md: <c>video/hd</c>, then <c>video/sd</c>).</summary>
    private static Mp4Track[] VideoRenditions(Mp4InitSegment init)
    {
        Mp4Track[] videos = [.. init.Tracks.Where(t => t.Kind == Mp4TrackKind.Video).OrderByDescending(t => (long)t.Width * t.Height)];
        if (videos.Length > MaxVideoRenditions)
            throw new Mp4FormatException($"The input has {videos.Length} video tracks; a channel carries at most {MaxVideoRenditions} renditions (video/hd, video/sd).");
        return videos;
    }

    private void WriteCatalog(ulong groupId, MsfCatalog catalog)
    {
        GroupProducer group = CatalogTrack.CreateGroup(groupId);
        SubgroupProducer subgroup = group.CreateSubgroup(0);
        subgroup.Write(0, MoqtPayload.Create(MsfCatalogJson.Serialize(catalog)));
        subgroup.Complete();
        group.Complete();
    }

    /// <summary>
    /// Frame rate (from the most common sample duration, so an odd first frame does not skew it) and bitrate of a track
    /// over the fragments read ahead: what the catalog can know up front.
    /// </summary>
    private static (double Framerate, long Bitrate) Measure(Mp4Track track, List<Mp4Fragment> fragments)
    {
        long duration = 0, bytes = 0;
        var durations = new Dictionary<uint, int>();
        foreach (Mp4Sample s in fragments.SelectMany(f => f.Samples))
        {
            if (s.TrackId != track.TrackId)
                continue;
            duration += s.Duration;
            bytes += s.Data.Length;
            durations[s.Duration] = durations.GetValueOrDefault(s.Duration) + 1;
        }
        uint typical = durations.Count == 0 ? track.DefaultSampleDuration : durations.MaxBy(d => d.Value).Key;
        double framerate = typical > 0 ? Math.Round((double)track.Timescale / typical, 2) : 30;
        long bitrate = duration == 0 ? 0 : (long)((Int128)bytes * 8 * track.Timescale / duration);
        return (framerate, bitrate);
    }

    /// <summary>The longest span of media any track has in <paramref name="fragments"/>.</summary>
    private static TimeSpan Duration(Mp4InitSegment init, List<Mp4Fragment> fragments)
    {
        long longestUs = 0;
        foreach (IGrouping<uint, Mp4Sample> samples in fragments.SelectMany(f => f.Samples).GroupBy(s => s.TrackId))
        {
            if (init.Tracks.FirstOrDefault(t => t.TrackId == samples.Key) is { } track)
                longestUs = Math.Max(longestUs, track.ToMicroseconds(samples.Sum(s => (long)s.Duration)));
        }
        return TimeSpan.FromMicroseconds(longestUs);
    }

    private static long NowMicroseconds(TimeProvider time) => (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    /// <summary>Writes one track's groups: subgroup 0, object IDs from 0, group IDs from the start time in ms.</summary>
    private sealed class GroupWriter(TrackProducer? producer, ulong firstGroupId)
    {
        private ulong _nextGroupId = firstGroupId;
        private GroupProducer? _group;
        private SubgroupProducer? _subgroup;

        public bool Started => _group is not null;

        public ulong ObjectsInGroup { get; private set; }

        public long Objects { get; private set; }

        public long Groups { get; private set; }

        public void Write(Mp4Sample sample, long timestampUs, bool newGroup, byte[]? config)
        {
            if (producer is null)
                return;
            if (newGroup || _subgroup is null)
            {
                Close();
                _group = producer.CreateGroup(_nextGroupId++);
                _subgroup = _group.CreateSubgroup(0);
                ObjectsInGroup = 0;
                Groups++;
            }
            MoqtProperties properties = LocProperties.Create(timestampUs, ObjectsInGroup == 0 ? config : default);
            _subgroup.Write(ObjectsInGroup++, MoqtPayload.Create(sample.Data.Span), properties);
            Objects++;
        }

        public void Close()
        {
            _subgroup?.Complete();
            _group?.Complete();
            _subgroup = null;
        }
    }
}
