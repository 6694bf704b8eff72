using MoqLive.Testbed.Profiles;

namespace MoqLive.Testbed.Network;

/// <summary>What <see cref="TestbedNetwork.StartAsync"/> builds.</summary>
public sealed record TestbedOptions
{
    /// <summary>Most viewer hosts (their subnets are 10.77.11.0/24 upwards).</summary>
    public const int MaxViewers = 200;

    /// <summary>Number of viewer hosts. Default 1.</summary>
    public int Viewers { get; init; } = 1;

    /// <summary>Profile of each viewer's access link (both directions). Default <c>lan</c>.</summary>
    public LinkProfile ViewerProfile { get; init; } = LinkProfiles.Lan;

    /// <summary>Profile of the streamer's access link. Default <c>lan</c> (the comparison is about delivery).</summary>
    public LinkProfile StreamerProfile { get; init; } = LinkProfiles.Lan;

    /// <summary>Where trace files are read from (needed by trace profiles such as <c>varying</c>).</summary>
    public string TraceDirectory { get; init; } = LinkProfiles.TraceDirectory;

    /// <summary>Seed of the links' random loss and jitter; each direction of each link derives its own.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Checks the options.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Viewers, 1, nameof(Viewers));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Viewers, MaxViewers, nameof(Viewers));
        ArgumentNullException.ThrowIfNull(ViewerProfile);
        ArgumentNullException.ThrowIfNull(StreamerProfile);
    }
}
