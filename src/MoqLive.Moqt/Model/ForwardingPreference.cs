namespace MoqLive.Moqt.Model;

/// <summary>
/// How an object travels in a subscription (draft-ietf-moq-transport-19 §"Subgroups"): on the stream of its
/// subgroup, or as a datagram. FETCH ignores it.
/// </summary>
public enum ForwardingPreference
{
    /// <summary>Sent on the unidirectional stream of its subgroup.</summary>
    Subgroup,

    /// <summary>Sent as an OBJECT_DATAGRAM; belongs to no subgroup.</summary>
    Datagram,
}
