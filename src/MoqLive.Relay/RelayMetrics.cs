namespace MoqLive.Relay;

/// <summary>
/// Relay counters as plain properties (read them from a metrics exporter or a test). Totals include tracks that are gone.
/// </summary>
public sealed class RelayMetrics
{
    private readonly MoqtRelay _relay;
    private long _objectsIn;
    private long _bytesIn;
    private long _upstreamSubscribes;
    private long _downstreamSubscribes;
    private long _publishDoneSent;
    private long _publisherResumes;
    private long _chatOversized;
    private long _chatOverRate;

    internal RelayMetrics(MoqtRelay relay) => _relay = relay;

    /// <summary>Objects received from publishers.</summary>
    public long ObjectsIn => Interlocked.Read(ref _objectsIn);

    /// <summary>Payload bytes received from publishers.</summary>
    public long BytesIn => Interlocked.Read(ref _bytesIn);

    /// <summary>Objects handed to downstream subscribers (each subscriber counts once per object).</summary>
    public long ObjectsOut => _relay.Totals().ObjectsRead;

    /// <summary>Payload bytes handed to downstream subscribers.</summary>
    public long BytesOut => _relay.Totals().BytesRead;

    /// <summary>Whole groups downstream subscribers lost because they lagged, plus partly sent groups they abandoned.</summary>
    public long DroppedGroups
    {
        get
        {
            var totals = _relay.Totals();
            return totals.GroupsSkipped + totals.SubgroupsAbandoned;
        }
    }

    /// <summary>Bytes currently held in track caches.</summary>
    public long BytesCached => _relay.Totals().CachedBytes;

    /// <summary>Tracks the relay currently serves.</summary>
    public int Tracks => _relay.TrackCount;

    /// <summary>Tracks whose publisher went away and that are waiting for it to come back.</summary>
    public int TracksAwaitingPublisher => _relay.CountTracks(Internal.RelayTrackState.AwaitingPublisher);

    /// <summary>Live downstream track consumers across all tracks.</summary>
    public int DownstreamSubscriptions => _relay.Totals().Consumers;

    /// <summary>SUBSCRIBEs the relay sent upstream (coalescing keeps this at one per track per publisher).</summary>
    public long UpstreamSubscribes => Interlocked.Read(ref _upstreamSubscribes);

    /// <summary>Downstream SUBSCRIBEs accepted.</summary>
    public long DownstreamSubscribes => Interlocked.Read(ref _downstreamSubscribes);

    /// <summary>Tracks ended toward subscribers (the PUBLISH_DONE equivalent).</summary>
    public long PublishDoneSent => Interlocked.Read(ref _publishDoneSent);

    /// <summary>Times a track resumed from a reconnected publisher.</summary>
    public long PublisherResumes => Interlocked.Read(ref _publisherResumes);

    /// <summary>Chat objects not forwarded because their payload exceeded <see cref="ChatPolicyOptions.MaxPayloadBytes"/>.</summary>
    public long ChatOversizedDropped => Interlocked.Read(ref _chatOversized);

    /// <summary>Chat objects not forwarded because their sender exceeded the rate limit.</summary>
    public long ChatOverRateDropped => Interlocked.Read(ref _chatOverRate);

    internal void AddChatDropped(bool oversized) => Interlocked.Increment(ref oversized ? ref _chatOversized : ref _chatOverRate);

    internal void AddObjectIn(long bytes)
    {
        Interlocked.Increment(ref _objectsIn);
        Interlocked.Add(ref _bytesIn, bytes);
    }

    internal void AddUpstreamSubscribe() => Interlocked.Increment(ref _upstreamSubscribes);

    internal void AddDownstreamSubscribe() => Interlocked.Increment(ref _downstreamSubscribes);

    internal void AddPublishDone() => Interlocked.Increment(ref _publishDoneSent);

    internal void AddPublisherResume() => Interlocked.Increment(ref _publisherResumes);
}
