using System.Net;
using MoqLive.Testbed.Profiles;

namespace MoqLive.Testbed.Network;

/// <summary>The role of a host of the testbed.</summary>
public enum TestbedRole
{
    /// <summary>Sends the source (ffmpeg, <c>moqlive publish</c>).</summary>
    Streamer,

    /// <summary>Runs the MoqLive relay and the HLS origin (nginx).</summary>
    Relay,

    /// <summary>Runs a browser that plays the stream.</summary>
    Viewer,
}

/// <summary>
/// One host: a network namespace with one interface <c>eth0</c> at <see cref="Address"/>, joined to the router
/// namespace by a veth pair whose router end is <see cref="RouterInterface"/> at <see cref="Gateway"/>. Its link is
/// emulated per direction with <see cref="Profile"/>.
/// </summary>
public sealed record TestbedHost(
    TestbedRole Role,
    string Label,
    string Namespace,
    int Subnet,
    string RouterInterface,
    LinkProfile Profile)
{
    /// <summary>The host's address, 10.77.{Subnet}.2.</summary>
    public IPAddress Address => new([10, 77, (byte)Subnet, 2]);

    /// <summary>The router's address on this link, 10.77.{Subnet}.1.</summary>
    public IPAddress Gateway => new([10, 77, (byte)Subnet, 1]);
}
