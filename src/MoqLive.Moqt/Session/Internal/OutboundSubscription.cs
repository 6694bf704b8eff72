using MoqLive.Moqt.Model;
using MoqLive.Transport;

namespace MoqLive.Moqt.Session.Internal;

/// <summary>A subscription this session serves (the peer's SUBSCRIBE, or our PUBLISH), keyed by Request ID.</summary>
internal sealed class OutboundSubscription : IDisposable
{
    private readonly CancellationTokenSource _cts;

    // Taken once: the subscriber-stream reader can first ask for it after a short track already ended and disposed _cts,
    // and a disposed source's Token getter throws.
    private readonly CancellationToken _token;

    // Cancel (the subscriber's stream ended or failed) and Dispose (the track ended) race: the lock keeps Cancel off a
    // disposed token source.
    private readonly Lock _lifetime = new();
    private bool _disposed;
    // Each open subgroup stream with the publisher priority, group and subgroup its send priority derives from, so a
    // REQUEST_UPDATE's new subscriber priority can be applied to them.
    private readonly Dictionary<ITransportSendStream, (byte PublisherPriority, ulong GroupId, ulong SubgroupId)> _openStreams = [];
    private byte _subscriberPriority;
    private long _streamCount;

    public OutboundSubscription(ulong requestId, ulong trackAlias, TrackConsumer track, RequestStream stream, byte subscriberPriority,
        GroupOrder groupOrder, bool forward, CancellationToken sessionToken)
    {
        RequestId = requestId;
        TrackAlias = trackAlias;
        Track = track;
        Stream = stream;
        _subscriberPriority = subscriberPriority;
        GroupOrder = groupOrder;
        _forward = forward;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(sessionToken);
        _token = _cts.Token;
    }

    public ulong RequestId { get; }

    public ulong TrackAlias { get; }

    public TrackConsumer Track { get; }

    public RequestStream Stream { get; }

    public byte SubscriberPriority
    {
        get
        {
            lock (_openStreams) return _subscriberPriority;
        }
    }

    public GroupOrder GroupOrder { get; }

    private volatile bool _forward;

    public bool Forward
    {
        get => _forward;
        set => _forward = value;
    }

    private long _objectDeliveryTimeoutTicks;
    private long _subgroupDeliveryTimeoutTicks;

    /// <summary>The subscriber's OBJECT_DELIVERY_TIMEOUT (zero: none); REQUEST_UPDATE may change it at any time.</summary>
    public TimeSpan ObjectDeliveryTimeout
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _objectDeliveryTimeoutTicks));
        set => Interlocked.Exchange(ref _objectDeliveryTimeoutTicks, value.Ticks);
    }

    /// <summary>The subscriber's SUBGROUP_DELIVERY_TIMEOUT (zero: none); REQUEST_UPDATE may change it at any time.</summary>
    public TimeSpan SubgroupDeliveryTimeout
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _subgroupDeliveryTimeoutTicks));
        set => Interlocked.Exchange(ref _subgroupDeliveryTimeoutTicks, value.Ticks);
    }

    public CancellationToken Token => _token;

    public bool IsCancelled => _cts.IsCancellationRequested;

    public ulong StreamCount => (ulong)Interlocked.Read(ref _streamCount);

    /// <summary>Sets a new subgroup stream's send priority (<see cref="MoqtSession.GetPriority"/>) and tracks it while open.</summary>
    public void StreamOpened(ITransportSendStream stream, byte publisherPriority, ulong groupId, ulong subgroupId)
    {
        Interlocked.Increment(ref _streamCount);
        lock (_openStreams)
        {
            stream.Priority = MoqtSession.GetPriority(_subscriberPriority, publisherPriority, GroupOrder, groupId, subgroupId);
            _openStreams.Add(stream, (publisherPriority, groupId, subgroupId));
        }
    }

    public void StreamClosed(ITransportSendStream stream)
    {
        lock (_openStreams)
            _openStreams.Remove(stream);
    }

    /// <summary>
    /// REQUEST_UPDATE's SUBSCRIBER_PRIORITY: applies to the subgroup streams opened from now on and to the data not yet
    /// sent on the open ones (draft-19 §"SUBSCRIBER PRIORITY Parameter", §"Priorities").
    /// </summary>
    public void UpdateSubscriberPriority(byte subscriberPriority)
    {
        lock (_openStreams)
        {
            _subscriberPriority = subscriberPriority;
            foreach ((ITransportSendStream stream, (byte publisherPriority, ulong groupId, ulong subgroupId)) in _openStreams)
                stream.Priority = MoqtSession.GetPriority(subscriberPriority, publisherPriority, GroupOrder, groupId, subgroupId);
        }
    }

    /// <summary>Stops the subscription: resets every open data stream (draft-19 §"Subscription State Management").</summary>
    public void Cancel(ulong resetCode)
    {
        lock (_lifetime)
        {
            if (_disposed || _cts.IsCancellationRequested)
                return;
            _cts.Cancel();
        }

        ITransportSendStream[] open;
        lock (_openStreams)
            open = [.. _openStreams.Keys];
        foreach (ITransportSendStream stream in open)
            stream.Reset(resetCode);
    }

    public void Dispose()
    {
        Track.Dispose();
        lock (_lifetime)
        {
            _disposed = true;
            _cts.Dispose();
        }
    }
}
