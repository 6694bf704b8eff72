using MoqLive.Moqt.Model;

namespace MoqLive.Moqt.Session.Internal;

/// <summary>A track this session receives (our SUBSCRIBE or the peer's PUBLISH), keyed by Track Alias.</summary>
internal sealed class InboundTrack
{
    public InboundTrack(ulong requestId, ulong trackAlias, TrackProducer producer, RequestStream stream)
    {
        RequestId = requestId;
        TrackAlias = trackAlias;
        Producer = producer;
        Stream = stream;
    }

    public ulong RequestId { get; }

    public ulong TrackAlias { get; }

    public TrackProducer Producer { get; }

    public RequestStream Stream { get; }

    public Lock Sync { get; } = new();

    /// <summary>Data streams currently being read.</summary>
    public int OpenStreams { get; set; }

    /// <summary>Data streams seen so far (compared with PUBLISH_DONE's Stream Count).</summary>
    public ulong StreamsSeen { get; set; }

    /// <summary>PUBLISH_DONE, once received.</summary>
    public Wire.PublishDone? Done { get; set; }

    /// <summary>REQUEST_UPDATEs awaiting REQUEST_OK / REQUEST_ERROR, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<TaskCompletionSource<Wire.MoqtControlMessage?>> PendingUpdates { get; } = new();

    /// <summary>The producer was completed or aborted.</summary>
    public bool Finished { get; set; }
}
