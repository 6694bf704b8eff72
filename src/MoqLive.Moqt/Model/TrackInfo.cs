namespace MoqLive.Moqt.Model;

/// <summary>
/// What a publisher says about a track in PUBLISH / SUBSCRIBE_OK / FETCH_OK / TRACK_STATUS_OK: its name, the
/// DEFAULT_PUBLISHER_PRIORITY (0x0E) and DEFAULT_PUBLISHER_GROUP_ORDER (0x22) track properties, and the other track
/// properties, which relays forward unchanged (§"Relay Track Handling").
/// </summary>
/// <param name="Name">Full track name.</param>
/// <param name="PublisherPriority">Default publisher priority of subgroups and datagrams (default 128).</param>
/// <param name="GroupOrder">The publisher's group order preference (default ascending).</param>
/// <param name="Properties">All other track properties, in order; null means none.</param>
public sealed record TrackInfo(
    FullTrackName Name,
    byte PublisherPriority = TrackInfo.DefaultPublisherPriority,
    GroupOrder GroupOrder = GroupOrder.Ascending,
    MoqtProperties? Properties = null)
{
    /// <summary>Default publisher and subscriber priority (§"DEFAULT PUBLISHER PRIORITY").</summary>
    public const byte DefaultPublisherPriority = 128;

    /// <summary>Track properties other than priority and group order; never null.</summary>
    public MoqtProperties Properties { get; init; } = Properties ?? MoqtProperties.Empty;
}
