using MoqLive.Moqt.Model;

namespace MoqLive.Moqt.Wire;

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
