using static MoqLive.Quic.Frames.FrameWriting;

namespace MoqLive.Quic.Frames;

/// <summary>MAX_STREAMS (RFC 9000 §19.11): cumulative limit on streams of one direction the peer may open.</summary>
internal readonly record struct MaxStreamsFrame(bool Bidirectional, ulong MaximumStreams)
{
    /// <summary>Stream counts cannot exceed 2^60 (RFC 9000 §19.11), since stream IDs are 62-bit with 2 type bits.</summary>
    public const ulong MaxStreamCount = 1UL << 60;

    public FrameType Type => Bidirectional ? FrameType.MaxStreamsBidi : FrameType.MaxStreamsUni;

    public int GetEncodedLength() => 1 + VarIntLength(MaximumStreams);

    public int Write(Span<byte> destination) =>
        WriteVarInt(destination, WriteVarInt(destination, 0, (ulong)Type), MaximumStreams);

    internal static MaxStreamsFrame Decode(scoped ref FrameFieldReader reader, FrameType type)
    {
        ulong maximum = reader.ReadVarInt();
        if (maximum > MaxStreamCount)
            throw reader.Error("MAX_STREAMS above 2^60.");
        return new(type == FrameType.MaxStreamsBidi, maximum);
    }
}
