using static MoqLive.Quic.Frames.FrameWriting;

namespace MoqLive.Quic.Frames;

/// <summary>STOP_SENDING (RFC 9000 §19.5): asks the peer to stop sending on a stream.</summary>
internal readonly record struct StopSendingFrame(ulong StreamId, ulong ApplicationErrorCode)
{
    public int GetEncodedLength() => 1 + VarIntLength(StreamId) + VarIntLength(ApplicationErrorCode);

    public int Write(Span<byte> destination)
    {
        int offset = WriteVarInt(destination, 0, (ulong)FrameType.StopSending);
        offset = WriteVarInt(destination, offset, StreamId);
        return WriteVarInt(destination, offset, ApplicationErrorCode);
    }

    internal static StopSendingFrame Decode(scoped ref FrameFieldReader reader) =>
        new(reader.ReadVarInt(), reader.ReadVarInt());
}
