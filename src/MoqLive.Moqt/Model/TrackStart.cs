namespace MoqLive.Moqt.Model;

/// <summary>Where a new <see cref="TrackConsumer"/> starts reading.</summary>
public enum TrackStartKind
{
    /// <summary>
    /// New objects only: after the Largest Object at subscribe time (the MOQT "Largest Object" filter, and what an
    /// unfiltered SUBSCRIBE delivers).
    /// </summary>
    LargestObject,

    /// <summary>Groups that start after subscribe time (the MOQT "Next Group Start" filter).</summary>
    NextGroup,

    /// <summary>The newest group from its first object (moq-lite style join; a relay's late joiner).</summary>
    LatestGroup,

    /// <summary>From <see cref="TrackStart.Location"/> on, including cached groups (the MOQT "AbsoluteStart" filter).</summary>
    Absolute,
}

/// <summary>Start position (and optional end group) for a <see cref="TrackConsumer"/>.</summary>
/// <param name="Kind">Start kind.</param>
/// <param name="Location">Start location for <see cref="TrackStartKind.Absolute"/>.</param>
/// <param name="EndGroup">Last group delivered (inclusive; the MOQT "AbsoluteRange" end), or null for open-ended.</param>
public readonly record struct TrackStart(TrackStartKind Kind, Location Location = default, ulong? EndGroup = null)
{
    /// <summary>New objects only.</summary>
    public static TrackStart LargestObject => new(TrackStartKind.LargestObject);

    /// <summary>Next group to start.</summary>
    public static TrackStart NextGroup => new(TrackStartKind.NextGroup);

    /// <summary>Newest group from its beginning.</summary>
    public static TrackStart LatestGroup => new(TrackStartKind.LatestGroup);

    /// <summary>From an absolute location, optionally up to an end group.</summary>
    public static TrackStart At(Location start, ulong? endGroup = null) => new(TrackStartKind.Absolute, start, endGroup);
}
