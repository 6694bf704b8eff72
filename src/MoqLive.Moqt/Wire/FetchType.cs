namespace MoqLive.Moqt.Wire;

/// <summary>Fetch Type (draft-ietf-moq-transport-19 §"FETCH"); any other value is a PROTOCOL_VIOLATION.</summary>
public enum FetchType : ulong
{
    Standalone = 0x1,
    RelativeJoining = 0x2,
    AbsoluteJoining = 0x3,
}
