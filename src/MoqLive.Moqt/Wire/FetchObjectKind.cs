namespace MoqLive.Moqt.Wire;

/// <summary>What a FETCH stream entry is (draft-ietf-moq-transport-19 §"Fetch Header", §"End of Range").</summary>
public enum FetchObjectKind
{
    /// <summary>An object with its payload.</summary>
    Object,

    /// <summary>Serialization Flags 0x8C: objects since the last one up to this Location do not exist.</summary>
    EndOfNonExistentRange,

    /// <summary>Serialization Flags 0x10C: objects since the last one up to this Location have unknown status.</summary>
    EndOfUnknownRange,
}
