using MoqLive.Quic.Packets;

namespace MoqLive.Quic.Frames;

/// <summary>
/// Per-frame-type properties from RFC 9000 §12.4 (Table 3), RFC 9221 §4 and draft-ietf-quic-ack-frequency-11:
/// which packet types may carry the frame, and the N/C/P/F flags.
/// </summary>
internal static class FrameTypeInfo
{
    /// <summary>True for the frame types this implementation decodes.</summary>
    public static bool IsKnown(FrameType type) =>
        type <= FrameType.ImmediateAck || type is FrameType.ResetStreamAt or FrameType.Datagram or FrameType.DatagramWithLength or FrameType.AckFrequency;

    /// <summary>True for STREAM frame types 0x08-0x0f.</summary>
    public static bool IsStream(FrameType type) => type is >= FrameType.Stream and <= FrameType.StreamMax;

    /// <summary>
    /// Ack-eliciting: every frame but ACK, PADDING and CONNECTION_CLOSE (RFC 9000 §13.2, Table 3 flag N).
    /// A packet is ack-eliciting when it carries at least one such frame.
    /// </summary>
    public static bool IsAckEliciting(FrameType type) =>
        type is not (FrameType.Padding or FrameType.Ack or FrameType.AckEcn or FrameType.ConnectionClose
            or FrameType.ConnectionCloseApplication);

    /// <summary>
    /// Counts toward bytes in flight and congestion control: every frame but ACK (Table 3 flag C; RFC 9002 §3).
    /// </summary>
    public static bool IsCongestionControlled(FrameType type) => type is not (FrameType.Ack or FrameType.AckEcn);

    /// <summary>
    /// Probing frames (Table 3 flag P, RFC 9000 §9.1): a packet with only these frames is a probing packet.
    /// </summary>
    public static bool IsProbing(FrameType type) =>
        type is FrameType.Padding or FrameType.NewConnectionId or FrameType.PathChallenge or FrameType.PathResponse;

    /// <summary>Subject to flow control (Table 3 flag F): STREAM only.</summary>
    public static bool IsFlowControlled(FrameType type) => IsStream(type);

    /// <summary>
    /// Whether a frame of <paramref name="type"/> may appear in a packet of <paramref name="packetType"/>
    /// (RFC 9000 §12.4 Table 3 "Pkts" column, §12.5; RFC 9221 §4: DATAGRAM only in 0-RTT and 1-RTT;
    /// RESET_STREAM_AT, ACK_FREQUENCY and IMMEDIATE_ACK only in the application data space).
    /// </summary>
    public static bool IsAllowedIn(FrameType type, PacketType packetType) => packetType switch
    {
        // I/H: PADDING, PING, ACK, CRYPTO and transport CONNECTION_CLOSE only.
        PacketType.Initial or PacketType.Handshake =>
            type is FrameType.Padding or FrameType.Ping or FrameType.Ack or FrameType.AckEcn or FrameType.Crypto
                or FrameType.ConnectionClose,

        // 0-RTT: everything but ACK, CRYPTO, NEW_TOKEN, PATH_RESPONSE, HANDSHAKE_DONE (the "___1"/"IH_1" rows).
        // ACK_FREQUENCY/IMMEDIATE_ACK are excluded too: min_ack_delay is not remembered across connections
        // (draft-ietf-quic-ack-frequency-11 §3), so they cannot be negotiated for 0-RTT.
        PacketType.ZeroRtt =>
            type is not (FrameType.Ack or FrameType.AckEcn or FrameType.Crypto or FrameType.NewToken
                or FrameType.PathResponse or FrameType.HandshakeDone or FrameType.AckFrequency or FrameType.ImmediateAck),
        PacketType.OneRtt => true,
        _ => false,
    };
}
