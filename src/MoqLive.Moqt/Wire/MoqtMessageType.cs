namespace MoqLive.Moqt.Wire;

/// <summary>Control message types (draft-ietf-moq-transport-19 §"Control Messages").</summary>
public enum MoqtMessageType : ulong
{
    RequestUpdate = 0x2,
    Subscribe = 0x3,
    SubscribeOk = 0x4,
    RequestError = 0x5,
    PublishNamespace = 0x6,
    RequestOk = 0x7,
    Namespace = 0x8,
    PublishDone = 0xB,
    TrackStatus = 0xD,
    NamespaceDone = 0xE,
    PublishSkipped = 0xF,
    GoAway = 0x10,
    Fetch = 0x16,
    FetchOk = 0x18,
    Publish = 0x1D,
    SubscribeNamespace = 0x50,
    SubscribeTracks = 0x51,
    Setup = 0x2F00,
}

/// <summary>Helpers for <see cref="MoqtMessageType"/>.</summary>
public static class MoqtMessageTypes
{
    /// <summary>
    /// True for the seven types that may open a request stream (draft-19 §"Session initialization"):
    /// TRACK_STATUS, SUBSCRIBE, PUBLISH, FETCH, PUBLISH_NAMESPACE, SUBSCRIBE_NAMESPACE, SUBSCRIBE_TRACKS.
    /// </summary>
    public static bool IsRequest(this MoqtMessageType type) => type is MoqtMessageType.TrackStatus or MoqtMessageType.Subscribe
        or MoqtMessageType.Publish or MoqtMessageType.Fetch or MoqtMessageType.PublishNamespace
        or MoqtMessageType.SubscribeNamespace or MoqtMessageType.SubscribeTracks;
}
