using MoqLive.Quic.Streams;

namespace MoqLive.Quic.Recovery;

/// <summary>
/// A packet we sent that is not yet acknowledged or declared lost (RFC 9002 Appendix A.1.1), with a record of the
/// frames it carried so they can be acknowledged or retransmitted.
/// </summary>
/// <remarks>
/// Records are reused through <see cref="SentPacketPool"/> (one per connection, owned by <see cref="LossDetection"/>):
/// a record must not be kept after it left loss detection (acknowledged, lost or discarded) beyond the outcome that
/// reported it, because the next call into <see cref="LossDetection"/> may hand it out again.
/// </remarks>
internal sealed class SentPacket
{
    public ulong PacketNumber { get; set; }

    public Instant TimeSent { get; set; }

    /// <summary>Bytes on the wire, counting toward bytes in flight when <see cref="InFlight"/>.</summary>
    public int Size { get; set; }

    public bool AckEliciting { get; set; }

    /// <summary>Counts toward congestion control (ack-eliciting or padded; RFC 9002 §2).</summary>
    public bool InFlight { get; set; }

    /// <summary>Sent while the connection was not using the whole congestion window.</summary>
    public bool AppLimited { get; set; }

    /// <summary>A path MTU probe (RFC 9000 §14.4): its loss is no sign of congestion.</summary>
    public bool IsMtuProbe { get; set; }

    /// <summary>The frames carried; owned by this record and cleared with it.</summary>
    public SentFrames Frames { get; } = new();

    /// <summary>Clears every field so the record can describe another packet.</summary>
    public void Reset()
    {
        PacketNumber = 0;
        TimeSent = default;
        Size = 0;
        AckEliciting = false;
        InFlight = false;
        AppLimited = false;
        IsMtuProbe = false;
        Frames.Clear();
    }
}

/// <summary>Frames in a sent packet that matter on acknowledgement or loss (RFC 9000 §13.3).</summary>
internal sealed class SentFrames
{
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

    /// <summary>Records a STREAM frame.</summary>
    public void AddStream(in StreamChunk chunk)
    {
        if (StreamCount == 0) _firstStream = chunk;
        else (_moreStreams ??= new()).Add(chunk);
        StreamCount++;
    }

    /// <summary>The <paramref name="index"/>th STREAM frame, in the order added.</summary>
    public StreamChunk GetStream(int index) => index == 0 ? _firstStream : _moreStreams![index - 1];

    /// <summary>Forgets every frame; the lists stay allocated (empty) for the next packet that uses this record.</summary>
    public void Clear()
    {
        LargestAckSent = null;
        _firstStream = default;
        _moreStreams?.Clear();
        StreamCount = 0;
        StreamControl?.Clear();
        Crypto?.Clear();
        Other?.Clear();
    }
}
