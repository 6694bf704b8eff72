using MoqLive.Moqt.Model;

namespace MoqLive.Moqt.Wire;

/// <summary>
/// Track Properties: Key-Value-Pairs filling the rest of a message (draft-ietf-moq-transport-19 §"Properties").
/// Unknown properties are kept as they are; known ones are checked for their allowed values.
/// </summary>
public static class TrackProperties
{
    /// <summary>Finds the first integer property of <paramref name="type"/>.</summary>
    public static bool TryGetInt(this IReadOnlyList<MoqtKeyValuePair> properties, ulong type, out ulong value)
    {
        ArgumentNullException.ThrowIfNull(properties);
        foreach (MoqtKeyValuePair pair in properties)
        {
            if (pair.Type == type && !pair.IsBytes)
            {
                value = pair.Value;
                return true;
            }
        }

        value = 0;
        return false;
    }

    /// <summary>DEFAULT PUBLISHER PRIORITY (default 128).</summary>
    public static byte GetDefaultPublisherPriority(this IReadOnlyList<MoqtKeyValuePair> properties) =>
        properties.TryGetInt(MoqtPropertyType.DefaultPublisherPriority, out ulong value) ? (byte)value : (byte)128;

    /// <summary>DEFAULT PUBLISHER GROUP ORDER (default Ascending).</summary>
    public static GroupOrder GetDefaultPublisherGroupOrder(this IReadOnlyList<MoqtKeyValuePair> properties) =>
        properties.TryGetInt(MoqtPropertyType.DefaultPublisherGroupOrder, out ulong value) ? (GroupOrder)value : GroupOrder.Ascending;

    internal static IReadOnlyList<MoqtKeyValuePair> ReadToEnd(ref MoqtBodyReader reader)
    {
        IReadOnlyList<MoqtKeyValuePair> properties = KeyValuePairCodec.ReadToEnd(ref reader);
        foreach (MoqtKeyValuePair pair in properties)
        {
            switch (pair.Type)
            {
                case MoqtPropertyType.DefaultPublisherPriority when pair.Value > 255:
                    ThrowHelper.ProtocolViolation($"DEFAULT PUBLISHER PRIORITY {pair.Value} exceeds 255");
                    break;
                case MoqtPropertyType.DefaultPublisherGroupOrder when pair.Value is not 1 and not 2:
                    ThrowHelper.ProtocolViolation($"DEFAULT_PUBLISHER_GROUP_ORDER {pair.Value} is not 1 or 2");
                    break;
                case MoqtPropertyType.DynamicGroups when pair.Value > 1:
                    ThrowHelper.ProtocolViolation($"DYNAMIC_GROUPS {pair.Value} is not 0 or 1");
                    break;
            }
        }

        return properties;
    }
}
