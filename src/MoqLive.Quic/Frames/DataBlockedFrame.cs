using static MoqLive.Quic.Frames.FrameWriting;

namespace MoqLive.Quic.Frames;

/// <summary>DATA_BLOCKED (RFC 9000 §19.12): sender is blocked by connection-level flow control at this limit.</summary>
internal readonly record struct DataBlockedFrame(ulong MaximumData)
{
    public int GetEncodedLength() => 1 + VarIntLength(MaximumData);

    public int Write(Span<byte> destination) =>
        WriteVarInt(destination, WriteVarInt(destination, 0, (ulong)FrameType.DataBlocked), MaximumData);

    internal static DataBlockedFrame Decode(scoped ref FrameFieldReader reader) => new(reader.ReadVarInt());
}
