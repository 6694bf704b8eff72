using static MoqLive.Quic.Frames.FrameWriting;

namespace MoqLive.Quic.Frames;

/// <summary>
/// ACK_FREQUENCY (draft-ietf-quic-ack-frequency-11 §4, type 0xaf). Only valid when the peer advertised
/// min_ack_delay; the connection checks that and that RequestedMaxAckDelay ≥ our min_ack_delay.
/// </summary>
internal readonly record struct AckFrequencyFrame(
    ulong SequenceNumber, ulong AckElicitingThreshold, ulong RequestedMaxAckDelayMicroseconds, ulong ReorderingThreshold)
{
    public int GetEncodedLength() =>
        VarIntLength((ulong)FrameType.AckFrequency) + VarIntLength(SequenceNumber) + VarIntLength(AckElicitingThreshold)
        + VarIntLength(RequestedMaxAckDelayMicroseconds) + VarIntLength(ReorderingThreshold);

    public int Write(Span<byte> destination)
    {
        int offset = WriteVarInt(destination, 0, (ulong)FrameType.AckFrequency);
        offset = WriteVarInt(destination, offset, SequenceNumber);
        offset = WriteVarInt(destination, offset, AckElicitingThreshold);
        offset = WriteVarInt(destination, offset, RequestedMaxAckDelayMicroseconds);
        return WriteVarInt(destination, offset, ReorderingThreshold);
    }

    internal static AckFrequencyFrame Decode(scoped ref FrameFieldReader reader) =>
        new(reader.ReadVarInt(), reader.ReadVarInt(), reader.ReadVarInt(), reader.ReadVarInt());
}
