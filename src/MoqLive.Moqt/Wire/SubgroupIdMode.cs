namespace MoqLive.Moqt.Wire;

/// <summary>SUBGROUP_ID_MODE of a SUBGROUP_HEADER type (bits 0x06; draft-ietf-moq-transport-19 §"Subgroup Header").</summary>
public enum SubgroupIdMode : byte
{
    /// <summary>0b00: no Subgroup ID field; the Subgroup ID is 0.</summary>
    Zero = 0,

    /// <summary>0b01: no Subgroup ID field; the Subgroup ID is the first object's Object ID.</summary>
    FirstObjectId = 1,

    /// <summary>0b10: the Subgroup ID field is present.</summary>
    Explicit = 2,
}
