using MoqLive.Moqt.Model;

namespace MoqLive.Moqt.Wire;

/// <summary>
/// The Message Parameters of one control message (draft-ietf-moq-transport-19 §"Message Parameters"):
/// Number of Parameters (vi64), then each parameter as Type Delta (vi64) and a type-specific value, in
/// ascending type order. Unknown parameters, parameters not allowed in the message, and unexpected duplicates
/// are PROTOCOL_VIOLATION. Only AUTHORIZATION_TOKEN and the Range Filters may repeat.
/// </summary>
public sealed record MessageParameters
{
    /// <summary>No parameters.</summary>
    public static MessageParameters Empty { get; } = new();

    /// <summary>0x03 AUTHORIZATION_TOKEN, length-prefixed Token structures; may repeat.</summary>
    public IReadOnlyList<AuthorizationToken> AuthorizationTokens { get; init; } = [];

    /// <summary>0x02 OBJECT_DELIVERY_TIMEOUT (ms).</summary>
    public ulong? ObjectDeliveryTimeout { get; init; }

    /// <summary>0x04 RENDEZVOUS_TIMEOUT (ms).</summary>
    public ulong? RendezvousTimeout { get; init; }

    /// <summary>0x06 SUBGROUP_DELIVERY_TIMEOUT (ms).</summary>
    public ulong? SubgroupDeliveryTimeout { get; init; }

    /// <summary>0x08 EXPIRES (ms).</summary>
    public ulong? Expires { get; init; }

    /// <summary>0x09 LARGEST_OBJECT.</summary>
    public Location? LargestObject { get; init; }

    /// <summary>0x0A FILL_TIMEOUT (ms).</summary>
    public ulong? FillTimeout { get; init; }

    /// <summary>0x10 FORWARD (uint8 0 or 1); omitted means 1 except in REQUEST_UPDATE (unchanged).</summary>
    public bool? Forward { get; init; }

    /// <summary>0x20 SUBSCRIBER_PRIORITY (uint8); omitted means 128.</summary>
    public byte? SubscriberPriority { get; init; }

    /// <summary>0x21 LOCATION_FILTER, length-prefixed.</summary>
    public LocationFilter? LocationFilter { get; init; }

    /// <summary>0x22 GROUP_ORDER (uint8).</summary>
    public GroupOrder? GroupOrder { get; init; }

    /// <summary>0x25–0x29 Range Filters; may repeat (with distinct SetID / Property Type).</summary>
    public IReadOnlyList<RangeFilter> RangeFilters { get; init; } = [];

    /// <summary>0x32 NEW_GROUP_REQUEST.</summary>
    public ulong? NewGroupRequest { get; init; }

    /// <summary>0x34 TRACK_NAMESPACE_PREFIX, encoded as a bare Track Namespace (draft-19 gives no length prefix).</summary>
    public TrackNamespace? TrackNamespacePrefix { get; init; }

    /// <summary>Number of parameters on the wire.</summary>
    public int Count =>
        AuthorizationTokens.Count + RangeFilters.Count + (ObjectDeliveryTimeout.HasValue ? 1 : 0) + (RendezvousTimeout.HasValue ? 1 : 0) +
        (SubgroupDeliveryTimeout.HasValue ? 1 : 0) + (Expires.HasValue ? 1 : 0) + (LargestObject.HasValue ? 1 : 0) +
        (FillTimeout.HasValue ? 1 : 0) + (Forward.HasValue ? 1 : 0) + (SubscriberPriority.HasValue ? 1 : 0) +
        (LocationFilter is null ? 0 : 1) + (GroupOrder.HasValue ? 1 : 0) + (NewGroupRequest.HasValue ? 1 : 0) +
        (TrackNamespacePrefix is null ? 0 : 1);

    // Each entry is (type, value length). Ordered by type as the wire requires.
    private List<(MessageParameterType Type, int ValueLength, object? Value)> Entries()
    {
        var entries = new List<(MessageParameterType, int, object?)>(Count);
        void AddInt(MessageParameterType type, ulong? value)
        {
            if (value is { } v)
                entries.Add((type, Vi64.GetEncodedLength(v), v));
        }

        AddInt(MessageParameterType.ObjectDeliveryTimeout, ObjectDeliveryTimeout);
        foreach (AuthorizationToken token in AuthorizationTokens)
            entries.Add((MessageParameterType.AuthorizationToken, WireLimits.LengthPrefixed(token.GetEncodedLength()), token));
        AddInt(MessageParameterType.RendezvousTimeout, RendezvousTimeout);
        AddInt(MessageParameterType.SubgroupDeliveryTimeout, SubgroupDeliveryTimeout);
        AddInt(MessageParameterType.Expires, Expires);
        if (LargestObject is { } largest)
            entries.Add((MessageParameterType.LargestObject, WireLimits.Location(largest), largest));
        AddInt(MessageParameterType.FillTimeout, FillTimeout);
        if (Forward is { } forward)
            entries.Add((MessageParameterType.Forward, 1, forward ? (byte)1 : (byte)0));
        if (SubscriberPriority is { } priority)
            entries.Add((MessageParameterType.SubscriberPriority, 1, priority));
        if (LocationFilter is { } filter)
            entries.Add((MessageParameterType.LocationFilter, WireLimits.LengthPrefixed(filter.GetEncodedLength()), filter));
        if (GroupOrder is { } order)
            entries.Add((MessageParameterType.GroupOrder, 1, (byte)order));
        foreach (RangeFilter range in RangeFilters.OrderBy(r => r.Type))
            entries.Add((range.Type, range.GetEncodedLength(), range));
        AddInt(MessageParameterType.NewGroupRequest, NewGroupRequest);
        if (TrackNamespacePrefix is { } prefix)
            entries.Add((MessageParameterType.TrackNamespacePrefix, prefix.GetEncodedLength(), prefix));
        return entries;
    }

    /// <summary>Length of Number of Parameters plus all parameters.</summary>
    internal int GetEncodedLength()
    {
        int length = Vi64.GetEncodedLength((ulong)Count);
        ulong previous = 0;
        foreach ((MessageParameterType type, int valueLength, _) in Entries())
        {
            length += Vi64.GetEncodedLength((ulong)type - previous) + valueLength;
            previous = (ulong)type;
        }

        return length;
    }

    internal void Write(ref MoqtSpanWriter writer)
    {
        List<(MessageParameterType Type, int ValueLength, object? Value)> entries = Entries();
        writer.WriteVi64((ulong)entries.Count);
        ulong previous = 0;
        foreach ((MessageParameterType type, _, object? value) in entries)
        {
            writer.WriteVi64((ulong)type - previous);
            previous = (ulong)type;
            switch (value)
            {
                case ulong v:
                    writer.WriteVi64(v);
                    break;
                case byte b:
                    writer.WriteByte(b);
                    break;
                case Location location:
                    writer.WriteLocation(location);
                    break;
                case AuthorizationToken token:
                    writer.WriteVi64((ulong)token.GetEncodedLength());
                    token.Write(ref writer);
                    break;
                case LocationFilter filter:
                    writer.WriteVi64((ulong)filter.GetEncodedLength());
                    filter.Write(ref writer);
                    break;
                case RangeFilter range:
                    range.Write(ref writer);
                    break;
                case TrackNamespace prefix:
                    prefix.Write(ref writer);
                    break;
                default:
                    throw new InvalidOperationException($"Unexpected parameter value for {type}.");
            }
        }
    }

    /// <summary>Reads Number of Parameters and the parameters, allowing only <paramref name="messageType"/>'s parameters.</summary>
    internal static MessageParameters Read(ref MoqtBodyReader reader, MoqtMessageType messageType)
    {
        ulong count = reader.ReadVi64();
        if (count == 0)
            return Empty;

        // Every parameter takes at least two bytes (type delta + a one-byte value), which bounds the count.
        if (count > (ulong)reader.Remaining)
            ThrowHelper.ProtocolViolation($"Number of Parameters {count} exceeds the message");

        var tokens = new List<AuthorizationToken>();
        var ranges = new List<RangeFilter>();
        var seen = new HashSet<MessageParameterType>();
        ulong? objectDeliveryTimeout = null, rendezvousTimeout = null, subgroupDeliveryTimeout = null, expires = null,
            fillTimeout = null, newGroupRequest = null;
        Location? largest = null;
        bool? forward = null;
        byte? subscriberPriority = null;
        LocationFilter? locationFilter = null;
        GroupOrder? groupOrder = null;
        TrackNamespace? prefix = null;

        ulong previous = 0;
        for (ulong i = 0; i < count; i++)
        {
            ulong delta = reader.ReadVi64();
            if (delta > ulong.MaxValue - previous)
                ThrowHelper.ProtocolViolation("Parameter Type Delta overflows 2^64 - 1");
            ulong rawType = previous + delta;
            previous = rawType;
            var type = (MessageParameterType)rawType;
            if (!Enum.IsDefined(type))
                ThrowHelper.ProtocolViolation($"unknown Message Parameter 0x{rawType:x} in {messageType}");
            if (!IsAllowed(messageType, type))
                ThrowHelper.ProtocolViolation($"Message Parameter {type} is not allowed in {messageType}");
            bool repeatable = type == MessageParameterType.AuthorizationToken || RangeFilter.IsRangeFilter(type);
            if (!seen.Add(type) && !repeatable)
                ThrowHelper.ProtocolViolation($"duplicate Message Parameter {type}");

            switch (type)
            {
                case MessageParameterType.ObjectDeliveryTimeout:
                    objectDeliveryTimeout = reader.ReadVi64();
                    break;
                case MessageParameterType.AuthorizationToken:
                    tokens.Add(AuthorizationToken.Read(reader.ReadLengthPrefixed(WireLimits.MaxControlMessageBodyLength, "AUTHORIZATION_TOKEN")));
                    break;
                case MessageParameterType.RendezvousTimeout:
                    rendezvousTimeout = reader.ReadVi64();
                    break;
                case MessageParameterType.SubgroupDeliveryTimeout:
                    subgroupDeliveryTimeout = reader.ReadVi64();
                    break;
                case MessageParameterType.Expires:
                    expires = reader.ReadVi64();
                    break;
                case MessageParameterType.LargestObject:
                    largest = reader.ReadLocation();
                    break;
                case MessageParameterType.FillTimeout:
                    fillTimeout = reader.ReadVi64();
                    break;
                case MessageParameterType.Forward:
                    forward = reader.ReadByte() switch
                    {
                        0 => false,
                        1 => true,
                        var v => ThrowHelper.ProtocolViolation<bool>($"FORWARD value {v} is not 0 or 1"),
                    };
                    break;
                case MessageParameterType.SubscriberPriority:
                    subscriberPriority = reader.ReadByte();
                    break;
                case MessageParameterType.LocationFilter:
                    locationFilter = LocationFilter.Read(reader.ReadLengthPrefixed(WireLimits.MaxControlMessageBodyLength, "LOCATION_FILTER"));
                    break;
                case MessageParameterType.GroupOrder:
                    groupOrder = ReadGroupOrder(reader.ReadByte());
                    break;
                case MessageParameterType.SubgroupFilter:
                case MessageParameterType.ObjectIdFilter:
                case MessageParameterType.PriorityFilter:
                case MessageParameterType.ObjectPropertyFilter:
                case MessageParameterType.TrackPropertyFilter:
                    ranges.Add(RangeFilter.Read(type, reader.ReadLengthPrefixed(WireLimits.MaxControlMessageBodyLength, type.ToString())));
                    break;
                case MessageParameterType.NewGroupRequest:
                    newGroupRequest = reader.ReadVi64();
                    break;
                case MessageParameterType.TrackNamespacePrefix:
                    prefix = TrackNamespace.Read(ref reader);
                    break;
            }
        }

        return new MessageParameters
        {
            AuthorizationTokens = tokens,
            ObjectDeliveryTimeout = objectDeliveryTimeout,
            RendezvousTimeout = rendezvousTimeout,
            SubgroupDeliveryTimeout = subgroupDeliveryTimeout,
            Expires = expires,
            LargestObject = largest,
            FillTimeout = fillTimeout,
            Forward = forward,
            SubscriberPriority = subscriberPriority,
            LocationFilter = locationFilter,
            GroupOrder = groupOrder,
            RangeFilters = ranges,
            NewGroupRequest = newGroupRequest,
            TrackNamespacePrefix = prefix,
        };
    }

    internal static GroupOrder ReadGroupOrder(byte value) => value switch
    {
        1 => Model.GroupOrder.Ascending,
        2 => Model.GroupOrder.Descending,
        _ => ThrowHelper.ProtocolViolation<GroupOrder>($"group order {value} is not Ascending (1) or Descending (2)"),
    };

    /// <summary>
    /// Where each parameter may appear (draft-19 §"Message Parameters" subsections). REQUEST_OK stands for
    /// PUBLISH_OK, REQUEST_UPDATE_OK, TRACK_STATUS_OK, SUBSCRIBE_NAMESPACE_OK and PUBLISH_NAMESPACE_OK alike,
    /// so it accepts the union; the session checks the finer rules. TRACK_STATUS accepts what SUBSCRIBE does.
    /// GROUP_ORDER is also accepted in PUBLISH, which §"Parameters on SUBSCRIBE_TRACKS" requires.
    /// </summary>
    public static bool IsAllowed(MoqtMessageType message, MessageParameterType parameter) => parameter switch
    {
        MessageParameterType.AuthorizationToken => message is MoqtMessageType.Publish or MoqtMessageType.Subscribe
            or MoqtMessageType.RequestUpdate or MoqtMessageType.SubscribeNamespace or MoqtMessageType.SubscribeTracks
            or MoqtMessageType.PublishNamespace or MoqtMessageType.TrackStatus or MoqtMessageType.Fetch,
        MessageParameterType.ObjectDeliveryTimeout or MessageParameterType.SubgroupDeliveryTimeout =>
            message is MoqtMessageType.RequestOk or MoqtMessageType.Subscribe or MoqtMessageType.RequestUpdate
                or MoqtMessageType.TrackStatus or MoqtMessageType.SubscribeTracks,
        MessageParameterType.FillTimeout => message is MoqtMessageType.Fetch,
        MessageParameterType.RendezvousTimeout => message is MoqtMessageType.Subscribe or MoqtMessageType.TrackStatus,
        MessageParameterType.SubscriberPriority => message is MoqtMessageType.Subscribe or MoqtMessageType.Fetch
            or MoqtMessageType.RequestUpdate or MoqtMessageType.RequestOk or MoqtMessageType.TrackStatus
            or MoqtMessageType.SubscribeTracks,
        MessageParameterType.GroupOrder => message is MoqtMessageType.Subscribe or MoqtMessageType.SubscribeTracks
            or MoqtMessageType.Fetch or MoqtMessageType.Publish or MoqtMessageType.TrackStatus,
        MessageParameterType.LocationFilter => message is MoqtMessageType.Subscribe or MoqtMessageType.RequestOk
            or MoqtMessageType.RequestUpdate or MoqtMessageType.TrackStatus,
        MessageParameterType.SubgroupFilter or MessageParameterType.ObjectIdFilter or MessageParameterType.PriorityFilter
            or MessageParameterType.ObjectPropertyFilter or MessageParameterType.TrackPropertyFilter =>
            message is MoqtMessageType.Fetch or MoqtMessageType.Subscribe or MoqtMessageType.SubscribeTracks
                or MoqtMessageType.RequestOk or MoqtMessageType.RequestUpdate or MoqtMessageType.TrackStatus,
        MessageParameterType.Expires => message is MoqtMessageType.SubscribeOk or MoqtMessageType.Publish
            or MoqtMessageType.RequestOk,
        MessageParameterType.LargestObject => message is MoqtMessageType.SubscribeOk or MoqtMessageType.Publish
            or MoqtMessageType.RequestOk,
        MessageParameterType.Forward => message is MoqtMessageType.Subscribe or MoqtMessageType.RequestUpdate
            or MoqtMessageType.Publish or MoqtMessageType.RequestOk or MoqtMessageType.SubscribeTracks
            or MoqtMessageType.TrackStatus,
        MessageParameterType.NewGroupRequest => message is MoqtMessageType.RequestOk or MoqtMessageType.Subscribe
            or MoqtMessageType.RequestUpdate or MoqtMessageType.TrackStatus,
        MessageParameterType.TrackNamespacePrefix => message is MoqtMessageType.RequestUpdate,
        _ => false,
    };

    public bool Equals(MessageParameters? other) =>
        other is not null && AuthorizationTokens.SequenceEqual(other.AuthorizationTokens) &&
        ObjectDeliveryTimeout == other.ObjectDeliveryTimeout && RendezvousTimeout == other.RendezvousTimeout &&
        SubgroupDeliveryTimeout == other.SubgroupDeliveryTimeout && Expires == other.Expires &&
        LargestObject == other.LargestObject && FillTimeout == other.FillTimeout && Forward == other.Forward &&
        SubscriberPriority == other.SubscriberPriority && Equals(LocationFilter, other.LocationFilter) &&
        GroupOrder == other.GroupOrder && RangeFilters.SequenceEqual(other.RangeFilters) &&
        NewGroupRequest == other.NewGroupRequest && Equals(TrackNamespacePrefix, other.TrackNamespacePrefix);

    public override int GetHashCode() => HashCode.Combine(Count, Forward, SubscriberPriority, LargestObject);
}
