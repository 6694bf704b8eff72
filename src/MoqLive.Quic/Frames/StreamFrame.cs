using MoqLive.Transport.Encoding;
using static MoqLive.Quic.Frames.FrameWriting;

namespace MoqLive.Quic.Frames;

/// <summary>
/// STREAM (RFC 9000 §19.8, types 0x08-0x0f with OFF/LEN/FIN bits). <see cref="Data"/> is a slice of the
/// decrypted packet (no copy): copy it into the receive buffer before the packet buffer is reused.
/// </summary>
internal readonly ref struct StreamFrame
{
    public StreamFrame(ulong streamId, ulong offset, ReadOnlySpan<byte> data, bool fin)
    {
        StreamId = streamId;
        Offset = offset;
        Data = data;
        Fin = fin;
    }

    public ulong StreamId { get; }

    public ulong Offset { get; }

    public ReadOnlySpan<byte> Data { get; }

    /// <summary>The frame carries the end of the stream; final size is Offset + Data.Length.</summary>
    public bool Fin { get; }

    /// <summary>Offset just past this frame's data.</summary>
    public ulong EndOffset => Offset + (ulong)Data.Length;

    public int GetEncodedLength(bool withLength = true) =>
        GetHeaderLength(StreamId, Offset, Data.Length, withLength) + Data.Length;

    /// <summary>Writes the frame; omit the Length only for the last frame of a packet (RFC 9000 §19.8).</summary>
    public int Write(Span<byte> destination, bool withLength = true)
    {
        int offset = WriteHeader(destination, StreamId, Offset, Data.Length, Fin, withLength);
        return WriteBytes(destination, offset, Data);
    }

    /// <summary>Header bytes for a frame with <paramref name="dataLength"/> bytes of data.</summary>
    public static int GetHeaderLength(ulong streamId, ulong offset, int dataLength, bool withLength) =>
        1 + VarIntLength(streamId) + (offset != 0 ? VarIntLength(offset) : 0)
        + (withLength ? VarIntLength((ulong)dataLength) : 0);

    /// <summary>
    /// Writes type, Stream ID, Offset (omitted when 0) and Length (when <paramref name="withLength"/>); the caller
    /// copies <paramref name="dataLength"/> data bytes right after. Returns the header length.
    /// </summary>
    public static int WriteHeader(Span<byte> destination, ulong streamId, ulong offset, int dataLength, bool fin, bool withLength)
    {
        var bits = (fin ? StreamFrameBits.Fin : 0) | (withLength ? StreamFrameBits.Len : 0) | (offset != 0 ? StreamFrameBits.Off : 0);
        destination[0] = (byte)((byte)FrameType.Stream | (byte)bits);
        int position = WriteVarInt(destination, 1, streamId);
        if (offset != 0)
            position = WriteVarInt(destination, position, offset);
        if (withLength)
            position = WriteVarInt(destination, position, (ulong)dataLength);
        return position;
    }

    /// <summary>
    /// Plans a STREAM frame for packetization: given <paramref name="available"/> bytes left in the packet and
    /// <paramref name="pendingLength"/> bytes waiting to be sent, returns how many data bytes to put in the frame,
    /// or -1 when not even the header fits. <paramref name="withLength"/> is false when the frame fills the rest of
    /// the packet exactly (then it must be the last frame and the Length field is saved).
    /// </summary>
    public static int Fit(ulong streamId, ulong offset, int available, int pendingLength, out bool withLength)
    {
        int fixedLength = GetHeaderLength(streamId, offset, 0, withLength: false);
        long room = (long)available - fixedLength;
        withLength = true;
        if (room < 0)
            return -1;

        long prefixed = MaxLengthPrefixedPayload(room);
        if (prefixed >= pendingLength)
            return pendingLength;

        // Not everything fits: fill the packet and drop the Length field.
        withLength = false;
        return (int)Math.Min(room, pendingLength);
    }

    internal static StreamFrame Decode(scoped ref FrameFieldReader reader, FrameType type)
    {
        var bits = (StreamFrameBits)((byte)type & 0x07);
        ulong streamId = reader.ReadVarInt();
        ulong offset = (bits & StreamFrameBits.Off) != 0 ? reader.ReadVarInt() : 0;
        ReadOnlySpan<byte> data = (bits & StreamFrameBits.Len) != 0 ? reader.ReadLengthPrefixed() : reader.ReadToEnd();
        // RFC 9000 §19.8: offset + length beyond 2^62 - 1 is a FRAME_ENCODING_ERROR (or FLOW_CONTROL_ERROR).
        if (offset + (ulong)data.Length > QuicVarInt.MaxValue)
            throw reader.Error("STREAM data beyond offset 2^62 - 1.");
        return new StreamFrame(streamId, offset, data, (bits & StreamFrameBits.Fin) != 0);
    }
}
