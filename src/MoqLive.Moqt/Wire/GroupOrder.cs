namespace MoqLive.Moqt.Wire;

/// <summary>Group order (draft-ietf-moq-transport-19 §"GROUP ORDER Parameter"); any other value is a PROTOCOL_VIOLATION.</summary>
public enum GroupOrder : byte
{
    Ascending = 0x1,
    Descending = 0x2,
}
