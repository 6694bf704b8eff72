using MoqLive.Transport.Encoding;
using static MoqLive.Quic.Frames.FrameWriting;

namespace MoqLive.Quic.Frames;

/// <summary>
/// CRYPTO (RFC 9000 §19.6): TLS handshake bytes at an offset in the crypto stream of a packet number space.
/// <see cref="Data"/> is a slice of the decrypted packet (no copy).
/// </summary>
internal readonly ref struct CryptoFrame
{
    public CryptoFrame(ulong offset, ReadOnlySpan<byte> data)
    {
        Offset = offset;
        Data = data;
    }

    public ulong Offset { get; }

    public ReadOnlySpan<byte> Data { get; }

    public int GetEncodedLength() => GetHeaderLength(Offset, Data.Length) + Data.Length;

    public int Write(Span<byte> destination)
    {
        int offset = WriteHeader(destination, Offset, Data.Length);
        return WriteBytes(destination, offset, Data);
    }

    /// <summary>Header bytes (type, offset, length) in front of <paramref name="dataLength"/> bytes of data.</summary>
    public static int GetHeaderLength(ulong offset, int dataLength) =>
        1 + VarIntLength(offset) + VarIntLength((ulong)dataLength);

    /// <summary>Writes the header; the caller copies <paramref name="dataLength"/> bytes right after it.</summary>
    public static int WriteHeader(Span<byte> destination, ulong offset, int dataLength)
    {
        int position = WriteVarInt(destination, 0, (ulong)FrameType.Crypto);
        position = WriteVarInt(destination, position, offset);
        return WriteVarInt(destination, position, (ulong)dataLength);
    }

    /// <summary>
    /// How many data bytes fit in a CRYPTO frame at <paramref name="offset"/> within <paramref name="available"/>
    /// bytes (header included); -1 when not even the header fits.
    /// </summary>
    public static int GetMaxDataLength(ulong offset, int available)
    {
        long max = MaxLengthPrefixedPayload(available - 1L - VarIntLength(offset));
        return (int)Math.Min(max, int.MaxValue);
    }

    internal static CryptoFrame Decode(scoped ref FrameFieldReader reader)
    {
        ulong offset = reader.ReadVarInt();
        ReadOnlySpan<byte> data = reader.ReadLengthPrefixed();
        // RFC 9000 §19.6: the crypto stream offset cannot exceed 2^62 - 1.
        if (offset + (ulong)data.Length > QuicVarInt.MaxValue)
            throw reader.Error("CRYPTO data beyond offset 2^62 - 1.");
        return new CryptoFrame(offset, data);
    }
}
