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

    // STREAM frames: the first inline (a bulk packet carries one), more in a list; saves a list and its array per packet.
    private StreamChunk _firstStream;
    private List<StreamChunk>? _moreStreams;

    /// <summary>STREAM frames carried.</summary>
    public int StreamCount { get; private set; }

    public List<StreamControlFrame>? StreamControl { get; set; }

    /// <summary>CRYPTO frame ranges (offset, length).</summary>
    public List<(ulong Offset, int Length)>? Crypto { get; set; }

    /// <summary>Other frames, as opaque records understood by the connection (HANDSHAKE_DONE, NEW_CONNECTION_ID, …).</summary>
    public List<object>? Other { get; set; }

    public bool IsEmpty => LargestAckSent is null && StreamCount == 0 && StreamControl is null && Crypto is null && Other is null;

    /// <summary>Records a STREAM frame.</summary>
    public void AddStream(in StreamChunk chunk)
    {
        if (StreamCount == 0) _firstStream = chunk;
        else (_moreStreams ??= new()).Add(chunk);
        StreamCount++;
    }

    /// <summary>The <paramref name="index"/>th STREAM frame, in the order added.</summary>
    public StreamChunk GetStream(int index) => index == 0 ? _firstStream : _moreStreams![index - 1];
}
