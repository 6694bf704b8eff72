namespace MoqLive.Moqt.Model;

/// <summary>Counters of one <see cref="TrackProducer"/> (plain values, for metrics).</summary>
/// <param name="CachedBytes">Payload and property bytes in the cache window.</param>
/// <param name="CachedGroups">Groups in the cache window.</param>
/// <param name="EvictedGroups">Groups that left the window.</param>
/// <param name="ObjectsWritten">Objects written by the producer.</param>
/// <param name="ObjectsRead">Objects handed to subgroup readers, summed over all consumers (fan-out output).</param>
/// <param name="BytesRead">Payload bytes handed to subgroup readers.</param>
/// <param name="GroupsSkipped">Whole groups consumers skipped because they lagged.</param>
/// <param name="SubgroupsAbandoned">Subgroup readers that abandoned a partly read group (stream reset downstream).</param>
/// <param name="Consumers">Live track consumers.</param>
public readonly record struct TrackStatistics(
    long CachedBytes,
    int CachedGroups,
    long EvictedGroups,
    long ObjectsWritten,
    long ObjectsRead,
    long BytesRead,
    long GroupsSkipped,
    long SubgroupsAbandoned,
    int Consumers);
