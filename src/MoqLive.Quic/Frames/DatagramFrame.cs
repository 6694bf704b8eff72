using static MoqLive.Quic.Frames.FrameWriting;

namespace MoqLive.Quic.Frames;

/// <summary>
/// DATAGRAM (RFC 9221 §4): unreliable application data. Type 0x31 carries a Length; 0x30 runs to the end of the
/// packet. <see cref="Data"/> is a slice of the decrypted packet.
/// </summary>
internal readonly ref struct DatagramFrame
{
    public DatagramFrame(ReadOnlySpan<byte> data)
    {
        Data = data;
    }

    public ReadOnlySpan<byte> Data { get; }

    public int GetEncodedLength(bool withLength = true) => GetHeaderLength(Data.Length, withLength) + Data.Length;

    public int Write(Span<byte> destination, bool withLength = true)
    {
        int offset = WriteHeader(destination, Data.Length, withLength);
        return WriteBytes(destination, offset, Data);
    }

    public static int GetHeaderLength(int dataLength, bool withLength) =>
        withLength ? 1 + VarIntLength((ulong)dataLength) : 1;

    /// <summary>Writes type (and Length); the caller copies the data right after it.</summary>
    public static int WriteHeader(Span<byte> destination, int dataLength, bool withLength)
    {
        if (!withLength)
        {
            destination[0] = (byte)FrameType.Datagram;
            return 1;
        }

        destination[0] = (byte)FrameType.DatagramWithLength;
        return WriteVarInt(destination, 1, (ulong)dataLength);
    }

    /// <summary>
    /// Largest payload that fits in <paramref name="available"/> bytes as one DATAGRAM frame; -1 when none fits.
    /// Compare with the peer's max_datagram_frame_size, which bounds the whole frame (RFC 9221 §3).
    /// </summary>
    public static int GetMaxDataLength(int available, bool withLength)
    {
        long max = withLength ? MaxLengthPrefixedPayload(available - 1L) : available - 1L;
        return (int)Math.Max(-1, Math.Min(max, int.MaxValue));
    }

    internal static DatagramFrame Decode(scoped ref FrameFieldReader reader, FrameType type) =>
        new(type == FrameType.DatagramWithLength ? reader.ReadLengthPrefixed() : reader.ReadToEnd());
}
