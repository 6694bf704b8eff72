using System.Buffers.Binary;

namespace MoqLive.Quic.Packets;

/// <summary>Packet number truncation and recovery (RFC 9000 §17.1, Appendix A.2 and A.3).</summary>
internal static class PacketNumber
{
    /// <summary>Largest packet number, 2^62 - 1 (RFC 9000 §12.3).</summary>
    public const ulong MaxValue = (1UL << 62) - 1;

    /// <summary>
    /// Bytes (1-4) needed to send <paramref name="packetNumber"/> so the peer can decode it, given the largest
    /// packet number it has acknowledged in this space (null when none): the encoding must cover more than twice
    /// the range of unacknowledged packets (RFC 9000 §17.1, Appendix A.2).
    /// </summary>
    public static int GetEncodedLength(ulong packetNumber, ulong? largestAcknowledged)
    {
        ulong unacknowledged = largestAcknowledged is { } largest ? packetNumber - largest : packetNumber + 1;
        // min_bits = log2(unacked) + 1; bytes = ceil(min_bits / 8)  ⇔  smallest n with 2^(8n-1) ≥ unacked.
        if (unacknowledged <= 1UL << 7)
            return 1;
        if (unacknowledged <= 1UL << 15)
            return 2;
        if (unacknowledged <= 1UL << 23)
            return 3;
        return 4;
    }

    /// <summary>Writes the low <paramref name="length"/> bytes of <paramref name="packetNumber"/>, big-endian.</summary>
    public static int Write(Span<byte> destination, ulong packetNumber, int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, 4);
        for (int i = length - 1; i >= 0; i--)
        {
            destination[i] = (byte)packetNumber;
            packetNumber >>= 8;
        }

        return length;
    }

    /// <summary>Reads a truncated packet number of <paramref name="length"/> (1-4) bytes.</summary>
    public static uint ReadTruncated(ReadOnlySpan<byte> source, int length) => length switch
    {
        1 => source[0],
        2 => BinaryPrimitives.ReadUInt16BigEndian(source),
        3 => (uint)(source[0] << 16 | source[1] << 8 | source[2]),
        4 => BinaryPrimitives.ReadUInt32BigEndian(source),
        _ => throw new ArgumentOutOfRangeException(nameof(length), length, "Packet numbers are 1 to 4 bytes."),
    };

    /// <summary>
    /// Recovers the full packet number closest to the next expected one (RFC 9000 Appendix A.3).
    /// <paramref name="largestReceived"/> is the largest packet number successfully processed in the space (null
    /// when none).
    /// </summary>
    public static ulong Decode(ulong? largestReceived, ulong truncated, int lengthInBytes)
    {
        int bits = lengthInBytes * 8;
        ulong expected = largestReceived is { } largest ? largest + 1 : 0;
        ulong window = 1UL << bits;
        ulong halfWindow = window / 2;
        ulong mask = window - 1;
        ulong candidate = (expected & ~mask) | truncated;

        // Written so no step can underflow or pass 2^62.
        if (candidate + halfWindow <= expected && candidate < (1UL << 62) - window)
            return candidate + window;
        if (candidate > expected + halfWindow && candidate >= window)
            return candidate - window;
        return candidate;
    }
}
