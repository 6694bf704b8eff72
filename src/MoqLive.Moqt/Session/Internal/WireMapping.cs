using MoqLive.Moqt.Model;
using W = MoqLive.Moqt.Wire;

namespace MoqLive.Moqt.Session.Internal;

/// <summary>Conversions between wire types (<see cref="W"/>) and the data model.</summary>
internal static class WireMapping
{
    public static TrackNamespace ToModel(this W.TrackNamespace ns) => TrackNamespace.Create(ns.Fields);

    public static W.TrackNamespace ToWire(this TrackNamespace ns)
    {
        var fields = new ReadOnlyMemory<byte>[ns.Count];
        for (int i = 0; i < fields.Length; i++)
            fields[i] = ns[i];
        return W.TrackNamespace.Create(fields);
    }

    public static MoqtProperties ToModelProperties(this IEnumerable<W.MoqtKeyValuePair> pairs) =>
        MoqtProperties.Create(pairs.Select(p => p.IsBytes ? MoqtProperty.FromBytes(p.Type, p.Bytes.Span) : MoqtProperty.FromInt(p.Type, p.Value)));

    public static IReadOnlyList<W.MoqtKeyValuePair> ToWire(this MoqtProperties properties) =>
        [.. properties.Select(p => p.IsBytes ? W.MoqtKeyValuePair.FromBytes(p.Type, p.BytesValue) : W.MoqtKeyValuePair.FromInt(p.Type, p.IntValue)).OrderBy(p => p.Type)];

    /// <summary>Track Properties → TrackInfo: DEFAULT_PUBLISHER_PRIORITY and DEFAULT_PUBLISHER_GROUP_ORDER become fields.</summary>
    public static TrackInfo ToTrackInfo(this IReadOnlyList<W.MoqtKeyValuePair> properties, FullTrackName name)
    {
        byte priority = W.TrackProperties.GetDefaultPublisherPriority(properties);
        var order = W.TrackProperties.GetDefaultPublisherGroupOrder(properties);
        var rest = properties.Where(p => p.Type is not W.MoqtPropertyType.DefaultPublisherPriority and not W.MoqtPropertyType.DefaultPublisherGroupOrder);
        return new TrackInfo(name, priority, order, rest.ToModelProperties());
    }

    /// <summary>TrackInfo → Track Properties (defaults omitted), in ascending type order.</summary>
    public static IReadOnlyList<W.MoqtKeyValuePair> ToTrackProperties(this TrackInfo info)
    {
        var list = new List<W.MoqtKeyValuePair>(info.Properties.ToWire());
        if (info.PublisherPriority != TrackInfo.DefaultPublisherPriority)
            list.Add(W.MoqtKeyValuePair.FromInt(W.MoqtPropertyType.DefaultPublisherPriority, info.PublisherPriority));
        if (info.GroupOrder != GroupOrder.Ascending)
            list.Add(W.MoqtKeyValuePair.FromInt(W.MoqtPropertyType.DefaultPublisherGroupOrder, (ulong)info.GroupOrder));
        return [.. list.OrderBy(p => p.Type)];
    }

    public static TimeSpan? ToRetryInterval(ulong wire) => wire == 0 ? null : TimeSpan.FromMilliseconds(wire - 1);

    public static ulong ToWireRetry(TimeSpan? retry) => retry is { } r ? (ulong)Math.Max(0, r.TotalMilliseconds) + 1 : 0;

    /// <summary>Model inclusive end (object MaxValue = whole group) → wire "last object + 1, 0 = whole group".</summary>
    public static Location ToWireEnd(Location end) =>
        end.Object == ulong.MaxValue ? new Location(end.Group, 0) : new Location(end.Group, end.Object + 1);

    public static Location ToModelEnd(Location end) =>
        end.Object == 0 ? new Location(end.Group, ulong.MaxValue) : new Location(end.Group, end.Object - 1);

    public static W.MessageParameters ToParameters(this SubscribeOptions options)
    {
        W.LocationFilter? filter = options.Start.Kind switch
        {
            TrackStartKind.NextGroup => W.LocationFilter.NextGroupStart,
            TrackStartKind.Absolute when options.Start.EndGroup is { } endGroup && endGroup >= options.Start.Location.Group =>
                W.LocationFilter.AbsoluteRange(options.Start.Location, endGroup - options.Start.Location.Group),
            TrackStartKind.Absolute => W.LocationFilter.AbsoluteStart(options.Start.Location),
            _ => null,
        };
        return new W.MessageParameters
        {
            SubscriberPriority = options.SubscriberPriority == TrackInfo.DefaultPublisherPriority ? null : options.SubscriberPriority,
            GroupOrder = options.GroupOrder,
            LocationFilter = filter,
            Forward = options.Forward ? null : false,
            NewGroupRequest = options.NewGroupRequest,
            ObjectDeliveryTimeout = DeliveryTimeouts.ToWire(options.ObjectDeliveryTimeout),
            SubgroupDeliveryTimeout = DeliveryTimeouts.ToWire(options.SubgroupDeliveryTimeout),
            AuthorizationTokens = options.AuthorizationToken.IsEmpty ? [] : [W.AuthorizationToken.UseValue(0, options.AuthorizationToken)],
        };
    }

    public static SubscribeOptions ToSubscribeOptions(this W.MessageParameters parameters)
    {
        TrackStart start = parameters.LocationFilter switch
        {
            null => TrackStart.LargestObject,
            { Type: W.LocationFilterType.NextGroupStart } => TrackStart.NextGroup,
            { Type: W.LocationFilterType.LargestObject } => TrackStart.LargestObject,
            { Type: W.LocationFilterType.AbsoluteStart } f => TrackStart.At(f.Start!.Value),
            var f => TrackStart.At(f.Start!.Value, f.EndGroup),
        };
        return new SubscribeOptions
        {
            SubscriberPriority = parameters.SubscriberPriority ?? TrackInfo.DefaultPublisherPriority,
            GroupOrder = parameters.GroupOrder,
            Start = start,
            Forward = parameters.Forward ?? true,
            NewGroupRequest = parameters.NewGroupRequest,
            ObjectDeliveryTimeout = parameters.ObjectDeliveryTimeout is { } objectTimeout ? DeliveryTimeouts.FromWire(objectTimeout) : null,
            SubgroupDeliveryTimeout = parameters.SubgroupDeliveryTimeout is { } subgroupTimeout ? DeliveryTimeouts.FromWire(subgroupTimeout) : null,
            AuthorizationToken = parameters.AuthorizationTokens.FirstOrDefault(t => t.AliasType == W.AuthTokenAliasType.UseValue)?.Value ?? default,
        };
    }
}
