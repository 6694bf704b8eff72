namespace MoqLive.Moqt.Model;

/// <summary>
/// Object Status (draft-ietf-moq-transport-19 §"Object Status", IANA "Object Status" registry).
/// Only <see cref="Normal"/> objects carry a payload or properties.
/// </summary>
public enum ObjectStatus : ulong
{
    /// <summary>0x0: a normal object; implicit for any non-empty payload.</summary>
    Normal = 0x0,

    /// <summary>
    /// 0x1: the object does not exist. Defined up to draft-14; draft-19 signals absent objects with gaps
    /// and the Prior Object ID Gap property instead. Kept so older codecs can map it.
    /// </summary>
    DoesNotExist = 0x1,

    /// <summary>0x3: no object with this group and an object ID ≥ this one exists.</summary>
    EndOfGroup = 0x3,

    /// <summary>0x4: no object at this location or later exists in the track.</summary>
    EndOfTrack = 0x4,
}
