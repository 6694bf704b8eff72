namespace MoqLive.Moqt.Model;

/// <summary>PUBLISH_DONE status codes (draft-ietf-moq-transport-19 §"PUBLISH_DONE Codes").</summary>
public enum PublishDoneStatusCode : ulong
{
    InternalError = 0x0,
    Unauthorized = 0x1,
    TrackEnded = 0x2,
    SubscriptionEnded = 0x3,
    GoingAway = 0x4,
    TooFarBehind = 0x5,
    Expired = 0x6,
    UpdateFailed = 0x8,
    ExcessiveLoad = 0x9,
    MalformedTrack = 0x12,
}
