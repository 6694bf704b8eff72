namespace MoqLive.Moqt.Wire;

/// <summary>Error codes for RESET_STREAM / STOP_SENDING on MOQT streams (draft-ietf-moq-transport-19 §"Stream Reset Error Codes").</summary>
public enum MoqtStreamResetCode : ulong
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
