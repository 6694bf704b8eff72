namespace MoqLive.Moqt.Model;

/// <summary>
/// Stream reset error codes (draft-ietf-moq-transport-19 §"Stream Reset Error Codes"). The model uses them to say
/// why a subgroup was aborted or abandoned; a session resets the matching data stream with the same code.
/// </summary>
public enum StreamResetCode : ulong
{
    InternalError = 0x0,
    Cancelled = 0x1,
    DeliveryTimeout = 0x2,
    SessionClosed = 0x3,
    GoingAway = 0x4,
    TooFarBehind = 0x5,
    UnknownObjectStatus = 0x6,
    ExpiredAuthToken = 0x7,
    ExcessiveLoad = 0x9,
    MalformedTrack = 0x12,
}
