using static MoqLive.Quic.Frames.FrameWriting;

namespace MoqLive.Quic.Frames;

/// <summary>RESET_STREAM (RFC 9000 §19.4): abruptly ends the sending part of a stream.</summary>
internal readonly record struct ResetStreamFrame(ulong StreamId, ulong ApplicationErrorCode, ulong FinalSize)
{
    public int GetEncodedLength() =>
        1 + VarIntLength(StreamId) + VarIntLength(ApplicationErrorCode) + VarIntLength(FinalSize);

    public int Write(Span<byte> destination)
    {
        int offset = WriteVarInt(destination, 0, (ulong)FrameType.ResetStream);
        offset = WriteVarInt(destination, offset, StreamId);
        offset = WriteVarInt(destination, offset, ApplicationErrorCode);
        return WriteVarInt(destination, offset, FinalSize);
    }

    internal static ResetStreamFrame Decode(scoped ref FrameFieldReader reader) =>
        new(reader.ReadVarInt(), reader.ReadVarInt(), reader.ReadVarInt());
}
