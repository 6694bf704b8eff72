namespace MoqLive.Moqt.Wire;

/// <summary>Object Status (draft-ietf-moq-transport-19 §"Object Status"); only <see cref="Normal"/> permits a payload.</summary>
public enum ObjectStatus : ulong
{
    Normal = 0x0,
    EndOfGroup = 0x3,
    EndOfTrack = 0x4,
}

/// <summary>Helpers for <see cref="ObjectStatus"/>.</summary>
public static class ObjectStatuses
{
    /// <summary>Validates a received status; unknown values are a PROTOCOL_VIOLATION (the draft's SHOULD).</summary>
    internal static ObjectStatus Parse(ulong value) => value switch
    {
        0x0 => ObjectStatus.Normal,
        0x3 => ObjectStatus.EndOfGroup,
        0x4 => ObjectStatus.EndOfTrack,
        _ => ThrowHelper.ProtocolViolation<ObjectStatus>($"unknown Object Status 0x{value:x}"),
    };
}
