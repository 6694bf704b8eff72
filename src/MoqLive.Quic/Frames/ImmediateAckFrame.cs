namespace MoqLive.Quic.Frames;

/// <summary>
/// IMMEDIATE_ACK (draft-ietf-quic-ack-frequency-11 §5, type 0x1f): no fields; asks the peer to acknowledge at once.
/// Only send it when the peer advertised min_ack_delay.
/// </summary>
internal readonly struct ImmediateAckFrame
{
    public int GetEncodedLength() => 1;

    public int Write(Span<byte> destination)
    {
        destination[0] = (byte)FrameType.ImmediateAck;
        return 1;
    }
}
