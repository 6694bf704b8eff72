using static MoqLive.Quic.Frames.FrameWriting;

namespace MoqLive.Quic.Frames;

/// <summary>RETIRE_CONNECTION_ID (RFC 9000 §19.16).</summary>
internal readonly record struct RetireConnectionIdFrame(ulong SequenceNumber)
{
    public int GetEncodedLength() => 1 + VarIntLength(SequenceNumber);

    public int Write(Span<byte> destination) =>
        WriteVarInt(destination, WriteVarInt(destination, 0, (ulong)FrameType.RetireConnectionId), SequenceNumber);

    internal static RetireConnectionIdFrame Decode(scoped ref FrameFieldReader reader) => new(reader.ReadVarInt());
}
