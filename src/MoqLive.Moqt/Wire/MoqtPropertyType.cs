namespace MoqLive.Moqt.Wire;

/// <summary>Property types defined by draft-ietf-moq-transport-19 §"MOQT Properties" (Track and Object Properties).</summary>
public static class MoqtPropertyType
{
    public const ulong ObjectDeliveryTimeout = 0x02;
    public const ulong MaxCacheDuration = 0x04;
    public const ulong SubgroupDeliveryTimeout = 0x06;
    public const ulong ImmutableProperties = 0x0B;
    public const ulong DefaultPublisherPriority = 0x0E;
    public const ulong DefaultPublisherGroupOrder = 0x22;
    public const ulong DynamicGroups = 0x30;
    public const ulong PriorGroupIdGap = 0x3C;
    public const ulong PriorObjectIdGap = 0x3E;

    /// <summary>First Mandatory Track Property type (0x4000–0x7FFF, §"Mandatory Track Properties").</summary>
    public const ulong MandatoryTrackPropertyFirst = 0x4000;

    /// <summary>Last Mandatory Track Property type.</summary>
    public const ulong MandatoryTrackPropertyLast = 0x7FFF;

    /// <summary>True for a Mandatory Track Property type.</summary>
    public static bool IsMandatoryTrackProperty(ulong type) => type is >= MandatoryTrackPropertyFirst and <= MandatoryTrackPropertyLast;
}
