using static MoqLive.Quic.Frames.FrameWriting;

namespace MoqLive.Quic.Frames;

/// <summary>STREAM_DATA_BLOCKED (RFC 9000 §19.13): sender is blocked by stream-level flow control.</summary>
internal readonly record struct StreamDataBlockedFrame(ulong StreamId, ulong MaximumStreamData)
{
    public int GetEncodedLength() => 1 + VarIntLength(StreamId) + VarIntLength(MaximumStreamData);

    public int Write(Span<byte> destination)
    {
        int offset = WriteVarInt(destination, 0, (ulong)FrameType.StreamDataBlocked);
        offset = WriteVarInt(destination, offset, StreamId);
        return WriteVarInt(destination, offset, MaximumStreamData);
    }

    internal static StreamDataBlockedFrame Decode(scoped ref FrameFieldReader reader) =>
        new(reader.ReadVarInt(), reader.ReadVarInt());
}
