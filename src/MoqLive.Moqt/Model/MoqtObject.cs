namespace MoqLive.Moqt.Model;

/// <summary>
/// An object (draft-ietf-moq-transport-19 §"Objects"): IDs, status, properties, publisher priority and a shared payload.
/// Immutable and shared by every consumer that reads it; relays forward the same instance to all subscribers.
/// See <see cref="MoqtPayload"/> for who owns the payload reference.
/// </summary>
public sealed class MoqtObject
{
    /// <summary>Creates an object. Takes over one reference to <paramref name="payload"/>.</summary>
    /// <exception cref="ArgumentException">A non-normal status with a payload or properties (§"Object Status").</exception>
    public MoqtObject(
        ulong groupId,
        ulong subgroupId,
        ulong objectId,
        byte publisherPriority,
        ObjectStatus status,
        MoqtPayload payload,
        MoqtProperties? properties = null,
        ForwardingPreference forwardingPreference = ForwardingPreference.Subgroup)
    {
        ArgumentNullException.ThrowIfNull(payload);
        properties ??= MoqtProperties.Empty;
        if (status != ObjectStatus.Normal && (payload.Length != 0 || properties.Count != 0))
            throw new ArgumentException($"An object with status {status} has no payload and no properties.", nameof(status));
        GroupId = groupId;
        SubgroupId = subgroupId;
        ObjectId = objectId;
        PublisherPriority = publisherPriority;
        Status = status;
        Payload = payload;
        Properties = properties;
        ForwardingPreference = forwardingPreference;
    }

    /// <summary>Group ID.</summary>
    public ulong GroupId { get; }

    /// <summary>Subgroup ID (0 for datagrams, where it has no meaning).</summary>
    public ulong SubgroupId { get; }

    /// <summary>Object ID.</summary>
    public ulong ObjectId { get; }

    /// <summary>{GroupId, ObjectId}.</summary>
    public Location Location => new(GroupId, ObjectId);

    /// <summary>Publisher priority of the subgroup or datagram (0 highest, 255 lowest).</summary>
    public byte PublisherPriority { get; }

    /// <summary>Object status; only <see cref="ObjectStatus.Normal"/> carries payload and properties.</summary>
    public ObjectStatus Status { get; }

    /// <summary>The shared payload.</summary>
    public MoqtPayload Payload { get; }

    /// <summary>Object properties, forwarded unchanged.</summary>
    public MoqtProperties Properties { get; }

    /// <summary>Stream (subgroup) or datagram.</summary>
    public ForwardingPreference ForwardingPreference { get; }

    /// <summary>
    /// <see cref="TimeProvider.GetTimestamp"/> of the moment the object reached this process (received from the upstream
    /// subscription, or provided by the publisher application), taken when it is first written to a track; null before
    /// that. draft-19 §"Delivery Timeouts and Data Reliability": OBJECT_DELIVERY_TIMEOUT counts from this moment, so a
    /// relay that writes the same object into its own track keeps the time it was received.
    /// </summary>
    public long? ReceivedTimestamp { get; private set; }

    /// <summary>Bytes charged to a cache for this object: payload plus properties.</summary>
    public long ByteSize => Payload.Length + Properties.ByteSize;

    /// <summary>Releases one payload reference; shorthand for <c>Payload.Release()</c>.</summary>
    public void Release() => Payload.Release();

    /// <summary>Stamps <see cref="ReceivedTimestamp"/> unless an earlier hop already did.</summary>
    internal void StampReceived(long timestamp) => ReceivedTimestamp ??= timestamp;

    /// <inheritdoc />
    public override string ToString() => $"Object {{{GroupId}, {SubgroupId}, {ObjectId}}} {Status} {Payload.Length}B";
}
