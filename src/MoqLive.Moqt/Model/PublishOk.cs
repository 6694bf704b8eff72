namespace MoqLive.Moqt.Model;

/// <summary>PUBLISH_OK (REQUEST_OK to a PUBLISH): the subscriber accepted the track.</summary>
/// <param name="Forward">FORWARD the subscriber wants.</param>
/// <param name="SubscriberPriority">SUBSCRIBER_PRIORITY the subscriber wants.</param>
/// <param name="GroupOrder">GROUP_ORDER the subscriber wants, or null for the publisher's.</param>
public sealed record PublishOk(bool Forward = true, byte SubscriberPriority = TrackInfo.DefaultPublisherPriority, GroupOrder? GroupOrder = null)
{
    /// <summary>
    /// OBJECT_DELIVERY_TIMEOUT (draft-19 §"Delivery Timeouts and Data Reliability"): objects older than this are not sent
    /// (their subgroup stream is reset with DELIVERY_TIMEOUT, datagrams dropped). Null or zero: none.
    /// </summary>
    public TimeSpan? ObjectDeliveryTimeout { get; init; }

    /// <summary>
    /// SUBGROUP_DELIVERY_TIMEOUT: a finished subgroup stream not fully delivered this long after its end is reset with
    /// DELIVERY_TIMEOUT (datagrams: as OBJECT_DELIVERY_TIMEOUT). Null or zero: none.
    /// </summary>
    public TimeSpan? SubgroupDeliveryTimeout { get; init; }
}
