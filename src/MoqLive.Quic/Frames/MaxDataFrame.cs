using static MoqLive.Quic.Frames.FrameWriting;

namespace MoqLive.Quic.Frames;

/// <summary>MAX_DATA (RFC 9000 §19.9): connection-level flow control limit.</summary>
internal readonly record struct MaxDataFrame(ulong MaximumData)
{
    public int GetEncodedLength() => 1 + VarIntLength(MaximumData);

    public int Write(Span<byte> destination) =>
        WriteVarInt(destination, WriteVarInt(destination, 0, (ulong)FrameType.MaxData), MaximumData);

    internal static MaxDataFrame Decode(scoped ref FrameFieldReader reader) => new(reader.ReadVarInt());
}
