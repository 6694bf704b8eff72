using MoqLive.Testbed.Profiles;

namespace MoqLive.Testbed.Check;

/// <summary>The outcome of <see cref="LinkCheck.RunAsync"/> for one profile.</summary>
public sealed record LinkCheckResult(LinkProfile Profile, IReadOnlyList<CheckMeasurement> Measurements)
{
    /// <summary>True when every compared measurement is within tolerance.</summary>
    public bool Passed => Measurements.All(m => m.Passed);
}
