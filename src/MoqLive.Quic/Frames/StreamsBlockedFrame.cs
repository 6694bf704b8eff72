using static MoqLive.Quic.Frames.FrameWriting;

namespace MoqLive.Quic.Frames;

/// <summary>STREAMS_BLOCKED (RFC 9000 §19.14): sender wants to open streams but is at the peer's limit.</summary>
internal readonly record struct StreamsBlockedFrame(bool Bidirectional, ulong MaximumStreams)
{
    public FrameType Type => Bidirectional ? FrameType.StreamsBlockedBidi : FrameType.StreamsBlockedUni;

    public int GetEncodedLength() => 1 + VarIntLength(MaximumStreams);

    public int Write(Span<byte> destination) =>
        WriteVarInt(destination, WriteVarInt(destination, 0, (ulong)Type), MaximumStreams);

    internal static StreamsBlockedFrame Decode(scoped ref FrameFieldReader reader, FrameType type)
    {
        ulong maximum = reader.ReadVarInt();
        if (maximum > MaxStreamsFrame.MaxStreamCount)
            throw reader.Error("STREAMS_BLOCKED above 2^60.");
        return new(type == FrameType.StreamsBlockedBidi, maximum);
    }
}
