namespace MoqLive.Moqt.Model;

/// <summary>PUBLISH_OK (REQUEST_OK to a PUBLISH): the subscriber accepted the track.</summary>
/// <param name="Forward">FORWARD the subscriber wants.</param>
/// <param name="SubscriberPriority">SUBSCRIBER_PRIORITY the subscriber wants.</param>
/// <param name="GroupOrder">GROUP_ORDER the subscriber wants, or null for the publisher's.</param>
public sealed record PublishOk(bool Forward = true, byte SubscriberPriority = TrackInfo.DefaultPublisherPriority, GroupOrder? GroupOrder = null);
