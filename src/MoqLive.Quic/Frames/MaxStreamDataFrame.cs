using static MoqLive.Quic.Frames.FrameWriting;

namespace MoqLive.Quic.Frames;

/// <summary>MAX_STREAM_DATA (RFC 9000 §19.10): stream-level flow control limit.</summary>
internal readonly record struct MaxStreamDataFrame(ulong StreamId, ulong MaximumStreamData)
{
    public int GetEncodedLength() => 1 + VarIntLength(StreamId) + VarIntLength(MaximumStreamData);

    public int Write(Span<byte> destination)
    {
        int offset = WriteVarInt(destination, 0, (ulong)FrameType.MaxStreamData);
        offset = WriteVarInt(destination, offset, StreamId);
        return WriteVarInt(destination, offset, MaximumStreamData);
    }

    internal static MaxStreamDataFrame Decode(scoped ref FrameFieldReader reader) =>
        new(reader.ReadVarInt(), reader.ReadVarInt());
}
