using MoqLive.Quic.Congestion;
using MoqLive.Quic.Streams;

namespace MoqLive.Quic.Core;

/// <summary>Which congestion controller a connection uses.</summary>
public enum CongestionControlAlgorithm
{
    Cubic,
    NewReno,
}

/// <summary>Settings of one sans-IO connection core. Defaults follow RFC 9000/9002 recommendations.</summary>
public sealed record ConnectionOptions
{
    /// <summary>Local idle timeout (max_idle_timeout); the effective one is the minimum of both peers'. Default 30 s.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Sends a PING when nothing was sent or received for this long, so a quiet connection outlives the idle timeout
    /// (RFC 9000 §10.1.2). Capped at half the effective idle timeout. Zero (the default) sends none.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.Zero;

    /// <summary>Largest UDP payload we send (and advertise as max_udp_payload_size). Default 1200, the QUIC minimum.</summary>
    public int MaxUdpPayloadSize { get; init; } = 1200;

    /// <summary>
    /// Largest UDP payload that path MTU discovery (RFC 9000 §14.3, RFC 8899) probes for once the handshake is confirmed:
    /// an acknowledged probe raises the payload size sent on the path. The search is also capped by the peer's
    /// max_udp_payload_size (§18.2) and by the route's MTU, which the UDP driver asks the OS for
    /// (<see cref="Connection.LimitPathMtu"/>). Lost probes are not congestion (§14.4), and when the path stops carrying
    /// the discovered size (a black hole, RFC 8899 §4.3) the connection falls back to <see cref="MaxUdpPayloadSize"/> and
    /// searches again. Also advertised as our max_udp_payload_size, so the receive buffers must hold it. The socket must
    /// not fragment (DF). At or below <see cref="MaxUdpPayloadSize"/> (0 here; the public API's default is
    /// <see cref="QuicDefaults.MtuDiscoveryUpperBound"/>): no probing.
    /// </summary>
    public int MtuDiscoveryUpperBound
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 65527);
            field = value;
        }
    }

    /// <summary>True when <see cref="MtuDiscoveryUpperBound"/> asks for path MTU discovery.</summary>
    public bool DiscoversPathMtu => MtuDiscoveryUpperBound > MaxUdpPayloadSize;

    /// <summary>Initial RTT before the first sample (RFC 9002 §6.2.2: 333 ms).</summary>
    public TimeSpan InitialRtt { get; init; } = TimeSpan.FromMilliseconds(333);

    /// <summary>Our max_ack_delay. Default 25 ms.</summary>
    public TimeSpan MaxAckDelay { get; init; } = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Ack-eliciting 1-RTT packets received before an ACK is sent at once, after the connection's first 100 (which are
    /// acknowledged every second packet, as RFC 9000 §13.2.2 recommends, so slow start is not held back); below it the
    /// ACK waits at most a quarter RTT or max_ack_delay. Fewer ACKs save both ends a packet each. Default 10; 2 keeps the
    /// RFC's recommendation throughout.
    /// </summary>
    public int AckElicitingThreshold
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 10;

    /// <summary>
    /// min_ack_delay we advertise (draft-ietf-quic-ack-frequency-11 §3): the smallest ACK delay we can honour, which
    /// lets the peer send ACK_FREQUENCY frames, and we then acknowledge as they ask. Null (the default here; the public
    /// API's default is 1 ms, the timer wheel's slot) advertises nothing, and an ACK_FREQUENCY is a PROTOCOL_VIOLATION.
    /// </summary>
    public TimeSpan? MinAckDelay
    {
        get;
        init
        {
            // At most max_ack_delay (§3): advertised as the smaller of the two.
            if (value is { } v) ArgumentOutOfRangeException.ThrowIfLessThan(v, TimeSpan.FromMicroseconds(1));
            field = value;
        }
    }

    /// <summary>
    /// The acknowledgement frequency we ask of a peer that advertised min_ack_delay (one ACK_FREQUENCY frame once the
    /// handshake is confirmed). Null (the default here; the public API's default is <see cref="AckFrequencyOptions"/>'s
    /// defaults): none is sent, and the peer acknowledges as RFC 9000 §13.2 has it.
    /// </summary>
    public AckFrequencyOptions? AckFrequency { get; init; }

    /// <summary>Our ack_delay_exponent. Default 3.</summary>
    public int AckDelayExponent { get; init; } = 3;

    /// <summary>Length of the connection IDs we issue. Default 8.</summary>
    public int ConnectionIdLength { get; init; } = 8;

    /// <summary>active_connection_id_limit we advertise. Default 4.</summary>
    public int ActiveConnectionIdLimit { get; init; } = 4;

    /// <summary>Largest DATAGRAM frame we accept (max_datagram_frame_size); 0 disables datagrams. Default 65535.</summary>
    public int MaxDatagramFrameSize { get; init; } = 65535;

    /// <summary>Datagrams queued for sending before <c>SendDatagram</c> starts refusing. Default 128.</summary>
    public int DatagramSendQueueLength { get; init; } = 128;

    /// <summary>Received datagrams kept until the application takes them; older ones are dropped. Default 128.</summary>
    public int DatagramReceiveQueueLength { get; init; } = 128;

    /// <summary>Congestion controller. Default CUBIC.</summary>
    public CongestionControlAlgorithm CongestionControl { get; init; } = CongestionControlAlgorithm.Cubic;

    /// <summary>
    /// Loss rate (over the last 256 in-flight packets) taken for random loss, not congestion: losses below it are
    /// retransmitted without reducing the congestion window, so a lossy radio link keeps its capacity. 0 treats every
    /// loss as congestion (RFC 9002 §7). Default 0.02.
    /// </summary>
    public double RandomLossTolerance
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(value, 1);
            field = value;
        }
    } = CongestionDefaults.RandomLossTolerance;

    /// <summary>Whether to pace sending over the RTT (RFC 9002 §7.7). Default true.</summary>
    public bool Pacing { get; init; } = true;

    /// <summary>Initiate a key update after this many 1-RTT packets sent with one key (null: only on demand).</summary>
    public ulong? KeyUpdateInterval { get; init; }

    /// <summary>Stream counts, windows and buffer sizes.</summary>
    internal StreamsOptions Streams { get; init; } = new();

    /// <summary>Per-stream receive window (initial_max_stream_data_*). Default 256 KiB.</summary>
    public ulong StreamReceiveWindow { get => Streams.StreamReceiveWindow; init => Streams = Streams with { StreamReceiveWindow = value }; }

    /// <summary>Upper bound of an auto-tuned stream window. Default 16 MiB.</summary>
    public ulong MaxStreamReceiveWindow { get => Streams.MaxStreamReceiveWindow; init => Streams = Streams with { MaxStreamReceiveWindow = value }; }

    /// <summary>Connection receive window (initial_max_data). Default 1 MiB.</summary>
    public ulong ConnectionReceiveWindow { get => Streams.ConnectionReceiveWindow; init => Streams = Streams with { ConnectionReceiveWindow = value }; }

    /// <summary>Upper bound of the auto-tuned connection window. Default 64 MiB.</summary>
    public ulong MaxConnectionReceiveWindow { get => Streams.MaxConnectionReceiveWindow; init => Streams = Streams with { MaxConnectionReceiveWindow = value }; }

    /// <summary>Bidirectional streams the peer may open (initial_max_streams_bidi). Default 100.</summary>
    public ulong MaxIncomingBidiStreams { get => Streams.MaxIncomingBidiStreams; init => Streams = Streams with { MaxIncomingBidiStreams = value }; }

    /// <summary>Unidirectional streams the peer may open (initial_max_streams_uni). Default 100.</summary>
    public ulong MaxIncomingUniStreams { get => Streams.MaxIncomingUniStreams; init => Streams = Streams with { MaxIncomingUniStreams = value }; }

    /// <summary>Unacknowledged bytes buffered across all send streams. Default 8 MiB.</summary>
    public ulong SendBufferSize { get => Streams.SendBufferSize; init => Streams = Streams with { SendBufferSize = value }; }

    /// <summary>
    /// Derives the stateless reset token for a connection ID we issue (set by <see cref="Endpoint"/> so it can
    /// send Stateless Resets after losing state, RFC 9000 §10.3.2). Null: random tokens.
    /// </summary>
    internal Func<ConnectionId, StatelessResetToken>? ResetTokenGenerator { get; init; }

    /// <summary>
    /// Seeded randomness for connection IDs, reset tokens and path challenges, for deterministic tests. Each
    /// connection draws its own generator from it when it is created (System.Random is not thread-safe, and every
    /// connection of an endpoint shares these options while running on its own thread). Null (the default):
    /// cryptographically secure random numbers, which connection IDs and reset tokens should be in production
    /// (RFC 9000 §5.1, §10.3).
    /// </summary>
    public Random? Random { get; init; }
}
