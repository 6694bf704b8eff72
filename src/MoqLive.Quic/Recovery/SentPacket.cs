using MoqLive.Quic.Streams;

namespace MoqLive.Quic.Recovery;

/// <summary>
/// A packet we sent that is not yet acknowledged or declared lost (RFC 9002 Appendix A.1.1), with a record of the
/// frames it carried so they can be acknowledged or retransmitted.
/// </summary>
internal sealed class SentPacket
{
    public ulong PacketNumber { get; init; }

    public Instant TimeSent { get; init; }

    /// <summary>Bytes on the wire, counting toward bytes in flight when <see cref="InFlight"/>.</summary>
    public int Size { get; init; }

    public bool AckEliciting { get; init; }

    /// <summary>Counts toward congestion control (ack-eliciting or padded; RFC 9002 §2).</summary>
    public bool InFlight { get; init; }

    /// <summary>Sent while the connection was not using the whole congestion window.</summary>
    public bool AppLimited { get; init; }

    public SentFrames Frames { get; init; } = SentFrames.Empty;
}

/// <summary>Frames in a sent packet that matter on acknowledgement or loss (RFC 9000 §13.3).</summary>
internal sealed class SentFrames
{
    public static readonly SentFrames Empty = new();

    /// <summary>Largest packet number our ACK frame acknowledged, so its acknowledgement can prune received ranges.</summary>
    public ulong? LargestAckSent { get; set; }

    public List<StreamChunk>? Stream { get; set; }

    public List<StreamControlFrame>? StreamControl { get; set; }

    /// <summary>CRYPTO frame ranges (offset, length).</summary>
    public List<(ulong Offset, int Length)>? Crypto { get; set; }

    /// <summary>Other frames, as opaque records understood by the connection (HANDSHAKE_DONE, NEW_CONNECTION_ID, …).</summary>
    public List<object>? Other { get; set; }

    public bool IsEmpty => LargestAckSent is null && Stream is null && StreamControl is null && Crypto is null && Other is null;
}
