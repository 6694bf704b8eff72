namespace MoqLive.Media.Publishing;

/// <summary>What <see cref="MediaChannelPublisher.RunAsync"/> published.</summary>
/// <param name="VideoObjects">Video objects (frames).</param>
/// <param name="VideoGroups">Video groups (GOPs).</param>
/// <param name="AudioObjects">Audio objects (Opus packets).</param>
/// <param name="Passes">Times the input was read through (more than 1 with loop).</param>
public sealed record MediaPublishStatistics(long VideoObjects, long VideoGroups, long AudioObjects, int Passes);
