using static MoqLive.Quic.Frames.FrameWriting;

namespace MoqLive.Quic.Frames;

/// <summary>
/// RESET_STREAM_AT (draft-ietf-quic-reliable-stream-reset §4, type 0x24): RESET_STREAM that still delivers the
/// first <see cref="ReliableSize"/> bytes. Only valid when the receiver advertised the reset_stream_at transport
/// parameter; the connection checks that.
/// </summary>
internal readonly record struct ResetStreamAtFrame(ulong StreamId, ulong ApplicationErrorCode, ulong FinalSize, ulong ReliableSize)
{
    public int GetEncodedLength() =>
        1 + VarIntLength(StreamId) + VarIntLength(ApplicationErrorCode) + VarIntLength(FinalSize) + VarIntLength(ReliableSize);

    public int Write(Span<byte> destination)
    {
        int offset = WriteVarInt(destination, 0, (ulong)FrameType.ResetStreamAt);
        offset = WriteVarInt(destination, offset, StreamId);
        offset = WriteVarInt(destination, offset, ApplicationErrorCode);
        offset = WriteVarInt(destination, offset, FinalSize);
        return WriteVarInt(destination, offset, ReliableSize);
    }

    internal static ResetStreamAtFrame Decode(scoped ref FrameFieldReader reader)
    {
        var frame = new ResetStreamAtFrame(reader.ReadVarInt(), reader.ReadVarInt(), reader.ReadVarInt(), reader.ReadVarInt());
        // §4: Reliable Size larger than Final Size is a FRAME_ENCODING_ERROR.
        if (frame.ReliableSize > frame.FinalSize)
            throw reader.Error("RESET_STREAM_AT Reliable Size exceeds Final Size.");
        return frame;
    }
}
