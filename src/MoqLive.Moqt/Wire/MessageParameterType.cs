namespace MoqLive.Moqt.Wire;

/// <summary>Message Parameter types (draft-ietf-moq-transport-19 §"Message Parameters", IANA table).</summary>
public enum MessageParameterType : ulong
{
    ObjectDeliveryTimeout = 0x02,
    AuthorizationToken = 0x03,
    RendezvousTimeout = 0x04,
    SubgroupDeliveryTimeout = 0x06,
    Expires = 0x08,
    LargestObject = 0x09,
    FillTimeout = 0x0A,
    Forward = 0x10,
    SubscriberPriority = 0x20,
    LocationFilter = 0x21,
    GroupOrder = 0x22,
    SubgroupFilter = 0x25,
    ObjectIdFilter = 0x26,
    PriorityFilter = 0x27,
    ObjectPropertyFilter = 0x28,
    TrackPropertyFilter = 0x29,
    NewGroupRequest = 0x32,
    TrackNamespacePrefix = 0x34,
}
