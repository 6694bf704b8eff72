namespace MoqLive.Moqt.Wire;

/// <summary>Location Filter types (draft-ietf-moq-transport-19 §"Location Filters").</summary>
public enum LocationFilterType : ulong
{
    /// <summary>Start at {Largest Object.Group + 1, 0}; open-ended.</summary>
    NextGroupStart = 0x1,

    /// <summary>Start at {Largest Object.Group, Largest Object.Object + 1}; open-ended.</summary>
    LargestObject = 0x2,

    /// <summary>Explicit Start Location; open-ended.</summary>
    AbsoluteStart = 0x3,

    /// <summary>Explicit Start Location and End Group.</summary>
    AbsoluteRange = 0x4,
}
