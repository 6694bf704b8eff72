using MoqLive.Moqt.Model;

namespace MoqLive.Moqt.Session;

/// <summary>
/// What a REQUEST_UPDATE on a subscription changes (draft-ietf-moq-transport-19 §"REQUEST_UPDATE"); null members
/// stay as they are.
/// </summary>
public sealed record SubscriptionUpdate
{
    /// <summary>New SUBSCRIBER_PRIORITY.</summary>
    public byte? SubscriberPriority { get; init; }

    /// <summary>New Forward State (FORWARD 0 pauses object delivery, 1 resumes it).</summary>
    public bool? Forward { get; init; }

    /// <summary>NEW_GROUP_REQUEST, for tracks with DYNAMIC_GROUPS.</summary>
    public ulong? NewGroupRequest { get; init; }

    /// <summary>New OBJECT_DELIVERY_TIMEOUT; <see cref="TimeSpan.Zero"/> removes it (draft-19 §"Delivery Timeouts and Data Reliability").</summary>
    public TimeSpan? ObjectDeliveryTimeout { get; init; }

    /// <summary>New SUBGROUP_DELIVERY_TIMEOUT; <see cref="TimeSpan.Zero"/> removes it.</summary>
    public TimeSpan? SubgroupDeliveryTimeout { get; init; }
}

/// <summary>REQUEST_UPDATE answered with REQUEST_OK (REQUEST_UPDATE_OK).</summary>
/// <param name="LargestLocation">LARGEST_OBJECT from REQUEST_UPDATE_OK, if the publisher sent it.</param>
public sealed record SubscriptionUpdateOk(Location? LargestLocation);

/// <summary>REQUEST_UPDATE outcome: <see cref="Ok"/> or <see cref="Error"/> (REQUEST_ERROR).</summary>
public sealed class SubscriptionUpdateResult : RequestResult<SubscriptionUpdateOk>
{
    private SubscriptionUpdateResult(SubscriptionUpdateOk? value, RequestErrorCode code, string reason, TimeSpan? retry)
        : base(value, code, reason, retry)
    {
    }

    public static SubscriptionUpdateResult Ok(SubscriptionUpdateOk ok) => new(ok, default, string.Empty, null);

    public static SubscriptionUpdateResult Error(RequestErrorCode code, string reason, TimeSpan? retryInterval = null) =>
        new(null, code, reason ?? string.Empty, retryInterval);
}
