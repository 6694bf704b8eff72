namespace MoqLive.Moqt.Model;

/// <summary>
/// SUBSCRIBE parameters an application can set (draft-ietf-moq-transport-19 §"SUBSCRIBE", §"Message Parameters").
/// Immutable; change with <c>with</c>.
/// </summary>
public sealed record SubscribeOptions
{
    /// <summary>Unfiltered, priority 128, the publisher's group order, forward on.</summary>
    public static SubscribeOptions Default { get; } = new();

    /// <summary>SUBSCRIBER_PRIORITY (0x20); 0 is highest. Default 128.</summary>
    public byte SubscriberPriority { get; init; } = TrackInfo.DefaultPublisherPriority;

    /// <summary>GROUP_ORDER (0x22); null means the publisher's preference.</summary>
    public GroupOrder? GroupOrder { get; init; }

    /// <summary>
    /// LOCATION_FILTER (0x21) as a start position: <see cref="TrackStart.LargestObject"/> (also the unfiltered case),
    /// <see cref="TrackStart.NextGroup"/>, or <see cref="TrackStart.At"/> for AbsoluteStart/AbsoluteRange.
    /// <see cref="TrackStartKind.LatestGroup"/> is a local extension (no wire encoding). Default LargestObject.
    /// </summary>
    public TrackStart Start { get; init; } = TrackStart.LargestObject;

    /// <summary>FORWARD (0x10). Default true.</summary>
    public bool Forward { get; init; } = true;

    /// <summary>NEW_GROUP_REQUEST (0x32) value, or null if absent.</summary>
    public ulong? NewGroupRequest { get; init; }

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

    /// <summary>AUTHORIZATION TOKEN (0x03) value bytes, or empty.</summary>
    public ReadOnlyMemory<byte> AuthorizationToken { get; init; }
}
