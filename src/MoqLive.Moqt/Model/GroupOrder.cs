namespace MoqLive.Moqt.Model;

/// <summary>
/// Group Order (draft-ietf-moq-transport-19 §"Priorities", GROUP_ORDER parameter 0x22 and
/// DEFAULT_PUBLISHER_GROUP_ORDER property 0x22): which group a scheduler sends first when two objects of the
/// same subscription have the same subscriber and publisher priority.
/// </summary>
public enum GroupOrder : byte
{
    /// <summary>0x1: lower group IDs first (the default when nothing is specified).</summary>
    Ascending = 0x1,

    /// <summary>0x2: higher group IDs first (newest media first).</summary>
    Descending = 0x2,
}
