namespace MoqLive.Relay.Internal;

/// <summary>Lifecycle of a relayed track.</summary>
internal enum RelayTrackState
{
    /// <summary>The first upstream SUBSCRIBE is in flight; concurrent downstream SUBSCRIBEs wait for it.</summary>
    Establishing,

    /// <summary>Objects flow from an upstream subscription (or a PUBLISH).</summary>
    Live,

    /// <summary>The publisher vanished; subscribers are kept until a publisher returns or the grace period ends.</summary>
    AwaitingPublisher,

    /// <summary>Ended and removed from the registry.</summary>
    Closed,
}
