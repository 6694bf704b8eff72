namespace MoqLive.Quic.Core;

/// <summary>Counters of one connection, for tests and diagnostics.</summary>
public sealed class ConnectionStats
{
    public long PacketsSent { get; set; }

    public long PacketsReceived { get; set; }

    public long PacketsLost { get; set; }

    /// <summary>Path MTU probes sent (RFC 9000 §14.3).</summary>
    public long MtuProbesSent { get; set; }

    /// <summary>Times the path stopped carrying the discovered packet size and the connection fell back to the base size (RFC 8899 §4.3).</summary>
    public long MtuBlackHoles { get; set; }

    public long PacketsDropped { get; set; }

    public long PtoCount { get; set; }

    public long KeyUpdates { get; set; }

    public long DatagramsSent { get; set; }

    public long BytesSent { get; set; }

    /// <summary>Times the peer's address changed (NAT rebinding or migration).</summary>
    public long Migrations { get; set; }

    /// <summary>ACK_FREQUENCY frames from the peer that changed how we acknowledge (draft-ietf-quic-ack-frequency-11 §4).</summary>
    public long AckFrequencyFramesApplied { get; set; }

    /// <summary>Retry packets followed (client).</summary>
    public long Retries { get; set; }

    /// <summary>The transport error we closed with, if any.</summary>
    public TransportErrorCode? LocalTransportError { get; set; }
}
