using MoqLive.Quic.Core;

namespace MoqLive.Quic;

/// <summary>Defaults of the public QUIC API's options, in one place.</summary>
public static class QuicDefaults
{
    /// <summary>
    /// UDP payload size we send and advertise until path MTU discovery raises it: 1452 bytes, the largest that fits a
    /// 1500-byte Ethernet MTU under IPv6 and UDP headers; set 1200 (the QUIC minimum) for paths with smaller MTUs.
    /// </summary>
    public const int MaxUdpPayloadSize = 1452;

    /// <summary>
    /// Upper bound of path MTU discovery (RFC 9000 §14.3, RFC 8899), which is on by default: 65527, the largest UDP
    /// payload, so the search is bounded by the route in practice. Each connection's search is capped by the MTU of the
    /// route to its peer as the OS reports it (IP_MTU minus IP and UDP headers: 1472 over Ethernet, 65507 over IPv4
    /// loopback) and by the peer's max_udp_payload_size; see <see cref="Core.ConnectionOptions.MtuDiscoveryUpperBound"/>.
    /// </summary>
    public const int MtuDiscoveryUpperBound = 65527;

    /// <summary>Time the handshake may take before <see cref="QuicConnection.ConnectAsync(QuicClientConnectionOptions, CancellationToken)"/> fails: 10 s.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Established connections waiting in <see cref="QuicListener.AcceptConnectionAsync"/>: 512. Further ones are refused.</summary>
    public const int ListenBacklog = 512;

    /// <summary>
    /// Transport settings used when the options leave them null: the core's defaults (30 s idle timeout, 256 KiB stream
    /// and 1 MiB connection windows auto-tuned up to 16/64 MiB, 100 streams of each kind, 8 MiB send buffer, CUBIC with
    /// pacing, datagrams up to 65535 bytes accepted) with <see cref="MaxUdpPayloadSize"/>, path MTU discovery up to
    /// <see cref="MtuDiscoveryUpperBound"/>, and the ACK frequency extension both ways (<see cref="MinAckDelay"/>
    /// advertised; a peer that advertises it is asked for <see cref="AckFrequencyOptions"/>'s defaults).
    /// </summary>
    public static ConnectionOptions ConnectionOptions => new()
    {
        MaxUdpPayloadSize = MaxUdpPayloadSize,
        MtuDiscoveryUpperBound = MtuDiscoveryUpperBound,
        MinAckDelay = MinAckDelay,
        AckFrequency = new AckFrequencyOptions(),
    };

    /// <summary>
    /// min_ack_delay advertised by default (draft-ietf-quic-ack-frequency-11 §3): 1 ms, the endpoint's timer wheel
    /// slot, so a peer may ask us for fewer ACKs with ACK_FREQUENCY.
    /// </summary>
    public static readonly TimeSpan MinAckDelay = TimeSpan.FromMilliseconds(1);
}
