namespace MoqLive.Quic.TransportParameters;

/// <summary>
/// QUIC transport parameters (RFC 9000 §18.2) with their protocol defaults: an absent parameter has the default
/// value shown. Immutable; change with <c>with</c>. Encode/decode with <see cref="TransportParametersCodec"/>.
/// </summary>
internal sealed record QuicTransportParameters
{
    /// <summary>Default max_udp_payload_size (RFC 9000 §18.2).</summary>
    public const ulong DefaultMaxUdpPayloadSize = 65527;

    /// <summary>Default ack_delay_exponent.</summary>
    public const ulong DefaultAckDelayExponent = 3;

    /// <summary>Default max_ack_delay in milliseconds.</summary>
    public const ulong DefaultMaxAckDelayMilliseconds = 25;

    /// <summary>Default active_connection_id_limit.</summary>
    public const ulong DefaultActiveConnectionIdLimit = 2;

    /// <summary>original_destination_connection_id (server only).</summary>
    public ConnectionId? OriginalDestinationConnectionId { get; init; }

    /// <summary>max_idle_timeout in milliseconds; 0 = no idle timeout from this endpoint.</summary>
    public ulong MaxIdleTimeoutMilliseconds { get; init; }

    /// <summary>stateless_reset_token (server only).</summary>
    public StatelessResetToken? StatelessResetToken { get; init; }

    /// <summary>max_udp_payload_size; at least 1200.</summary>
    public ulong MaxUdpPayloadSize { get; init; } = DefaultMaxUdpPayloadSize;

    public ulong InitialMaxData { get; init; }

    public ulong InitialMaxStreamDataBidiLocal { get; init; }

    public ulong InitialMaxStreamDataBidiRemote { get; init; }

    public ulong InitialMaxStreamDataUni { get; init; }

    /// <summary>initial_max_streams_bidi; at most 2^60.</summary>
    public ulong InitialMaxStreamsBidi { get; init; }

    /// <summary>initial_max_streams_uni; at most 2^60.</summary>
    public ulong InitialMaxStreamsUni { get; init; }

    /// <summary>ack_delay_exponent; at most 20.</summary>
    public ulong AckDelayExponent { get; init; } = DefaultAckDelayExponent;

    /// <summary>max_ack_delay in milliseconds; below 2^14.</summary>
    public ulong MaxAckDelayMilliseconds { get; init; } = DefaultMaxAckDelayMilliseconds;

    public bool DisableActiveMigration { get; init; }

    /// <summary>preferred_address (server only).</summary>
    public PreferredAddress? PreferredAddress { get; init; }

    /// <summary>active_connection_id_limit; at least 2.</summary>
    public ulong ActiveConnectionIdLimit { get; init; } = DefaultActiveConnectionIdLimit;

    /// <summary>initial_source_connection_id; both endpoints must send it (checked by the connection, §7.3).</summary>
    public ConnectionId? InitialSourceConnectionId { get; init; }

    /// <summary>retry_source_connection_id (server only, after a Retry).</summary>
    public ConnectionId? RetrySourceConnectionId { get; init; }

    /// <summary>max_datagram_frame_size (RFC 9221 §3); null = DATAGRAM frames not supported.</summary>
    public ulong? MaxDatagramFrameSize { get; init; }

    /// <summary>reset_stream_at (draft-ietf-quic-reliable-stream-reset §3): this endpoint accepts RESET_STREAM_AT.</summary>
    public bool ResetStreamAt { get; init; }

    /// <summary>grease_quic_bit (RFC 9287): the peer may clear the fixed bit.</summary>
    public bool GreaseQuicBit { get; init; }

    /// <summary>min_ack_delay in microseconds (draft-ietf-quic-ack-frequency-11 §3); null = extension not supported.</summary>
    public ulong? MinAckDelayMicroseconds { get; init; }
}
