using MoqLive.Testbed.Emulation;

namespace MoqLive.Testbed.Network;

/// <summary>The two directions of one host's access link: <see cref="Up"/> (host → router) and <see cref="Down"/>.</summary>
public sealed class EmulatedLink
{
    internal EmulatedLink(TestbedHost host, LinkEmulator up, LinkEmulator down)
    {
        Host = host;
        Up = up;
        Down = down;
    }

    public TestbedHost Host { get; }

    /// <summary>Host → router. Touch only from the router thread (or after it stopped).</summary>
    public LinkEmulator Up { get; }

    /// <summary>Router → host.</summary>
    public LinkEmulator Down { get; }

    /// <summary>Latest time a packet was handed to <see cref="Down"/>, so chained handoffs never go back in time.</summary>
    internal TimeSpan LastDownEnqueue { get; set; }
}
