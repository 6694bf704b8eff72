namespace MoqLive.Quic.Core;

/// <summary>Lifecycle of a connection (RFC 9000 §10).</summary>
public enum ConnectionState
{
    Handshaking,
    Established,
    /// <summary>We sent CONNECTION_CLOSE; we only repeat it while waiting out 3 PTOs (§10.2.1).</summary>
    Closing,
    /// <summary>The peer closed; we send nothing while waiting out 3 PTOs (§10.2.2).</summary>
    Draining,
    /// <summary>Terminated.</summary>
    Drained,
}
