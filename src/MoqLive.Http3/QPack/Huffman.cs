using System.Buffers;

namespace MoqLive.Http3.QPack;

/// <summary>
/// The static Huffman code of HPACK (RFC 7541 §5.2, Appendix B), used unchanged by QPACK string literals
/// (RFC 9204 §4.1.2). The code is canonical: codes of equal length are consecutive in symbol order.
/// </summary>
internal static class Huffman
{
    /// <summary>Symbol 256 ends a string in HPACK's model; it must never appear in an encoded string (RFC 7541 §5.2).</summary>
    public const int EndOfString = 256;

    // RFC 7541 Appendix B: (code, length in bits) of each symbol 0..255 and EOS (256), code right-aligned.
    private static readonly (uint Code, byte Length)[] s_codes =
    [
        (0x1ff8, 13), (0x7fffd8, 23), (0xfffffe2, 28), (0xfffffe3, 28), // 0
        (0xfffffe4, 28), (0xfffffe5, 28), (0xfffffe6, 28), (0xfffffe7, 28), // 4
        (0xfffffe8, 28), (0xffffea, 24), (0x3ffffffc, 30), (0xfffffe9, 28), // 8
        (0xfffffea, 28), (0x3ffffffd, 30), (0xfffffeb, 28), (0xfffffec, 28), // 12
        (0xfffffed, 28), (0xfffffee, 28), (0xfffffef, 28), (0xffffff0, 28), // 16
        (0xffffff1, 28), (0xffffff2, 28), (0x3ffffffe, 30), (0xffffff3, 28), // 20
        (0xffffff4, 28), (0xffffff5, 28), (0xffffff6, 28), (0xffffff7, 28), // 24
        (0xffffff8, 28), (0xffffff9, 28), (0xffffffa, 28), (0xffffffb, 28), // 28
        (0x14, 6), (0x3f8, 10), (0x3f9, 10), (0xffa, 12), // 32
        (0x1ff9, 13), (0x15, 6), (0xf8, 8), (0x7fa, 11), // 36
        (0x3fa, 10), (0x3fb, 10), (0xf9, 8), (0x7fb, 11), // 40
        (0xfa, 8), (0x16, 6), (0x17, 6), (0x18, 6), // 44
        (0x0, 5), (0x1, 5), (0x2, 5), (0x19, 6), // 48
        (0x1a, 6), (0x1b, 6), (0x1c, 6), (0x1d, 6), // 52
        (0x1e, 6), (0x1f, 6), (0x5c, 7), (0xfb, 8), // 56
        (0x7ffc, 15), (0x20, 6), (0xffb, 12), (0x3fc, 10), // 60
        (0x1ffa, 13), (0x21, 6), (0x5d, 7), (0x5e, 7), // 64
        (0x5f, 7), (0x60, 7), (0x61, 7), (0x62, 7), // 68
        (0x63, 7), (0x64, 7), (0x65, 7), (0x66, 7), // 72
        (0x67, 7), (0x68, 7), (0x69, 7), (0x6a, 7), // 76
        (0x6b, 7), (0x6c, 7), (0x6d, 7), (0x6e, 7), // 80
        (0x6f, 7), (0x70, 7), (0x71, 7), (0x72, 7), // 84
        (0xfc, 8), (0x73, 7), (0xfd, 8), (0x1ffb, 13), // 88
        (0x7fff0, 19), (0x1ffc, 13), (0x3ffc, 14), (0x22, 6), // 92
        (0x7ffd, 15), (0x3, 5), (0x23, 6), (0x4, 5), // 96
        (0x24, 6), (0x5, 5), (0x25, 6), (0x26, 6), // 100
        (0x27, 6), (0x6, 5), (0x74, 7), (0x75, 7), // 104
        (0x28, 6), (0x29, 6), (0x2a, 6), (0x7, 5), // 108
        (0x2b, 6), (0x76, 7), (0x2c, 6), (0x8, 5), // 112
        (0x9, 5), (0x2d, 6), (0x77, 7), (0x78, 7), // 116
        (0x79, 7), (0x7a, 7), (0x7b, 7), (0x7ffe, 15), // 120
        (0x7fc, 11), (0x3ffd, 14), (0x1ffd, 13), (0xffffffc, 28), // 124
        (0xfffe6, 20), (0x3fffd2, 22), (0xfffe7, 20), (0xfffe8, 20), // 128
        (0x3fffd3, 22), (0x3fffd4, 22), (0x3fffd5, 22), (0x7fffd9, 23), // 132
        (0x3fffd6, 22), (0x7fffda, 23), (0x7fffdb, 23), (0x7fffdc, 23), // 136
        (0x7fffdd, 23), (0x7fffde, 23), (0xffffeb, 24), (0x7fffdf, 23), // 140
        (0xffffec, 24), (0xffffed, 24), (0x3fffd7, 22), (0x7fffe0, 23), // 144
        (0xffffee, 24), (0x7fffe1, 23), (0x7fffe2, 23), (0x7fffe3, 23), // 148
        (0x7fffe4, 23), (0x1fffdc, 21), (0x3fffd8, 22), (0x7fffe5, 23), // 152
        (0x3fffd9, 22), (0x7fffe6, 23), (0x7fffe7, 23), (0xffffef, 24), // 156
        (0x3fffda, 22), (0x1fffdd, 21), (0xfffe9, 20), (0x3fffdb, 22), // 160
        (0x3fffdc, 22), (0x7fffe8, 23), (0x7fffe9, 23), (0x1fffde, 21), // 164
        (0x7fffea, 23), (0x3fffdd, 22), (0x3fffde, 22), (0xfffff0, 24), // 168
        (0x1fffdf, 21), (0x3fffdf, 22), (0x7fffeb, 23), (0x7fffec, 23), // 172
        (0x1fffe0, 21), (0x1fffe1, 21), (0x3fffe0, 22), (0x1fffe2, 21), // 176
        (0x7fffed, 23), (0x3fffe1, 22), (0x7fffee, 23), (0x7fffef, 23), // 180
        (0xfffea, 20), (0x3fffe2, 22), (0x3fffe3, 22), (0x3fffe4, 22), // 184
        (0x7ffff0, 23), (0x3fffe5, 22), (0x3fffe6, 22), (0x7ffff1, 23), // 188
        (0x3ffffe0, 26), (0x3ffffe1, 26), (0xfffeb, 20), (0x7fff1, 19), // 192
        (0x3fffe7, 22), (0x7ffff2, 23), (0x3fffe8, 22), (0x1ffffec, 25), // 196
        (0x3ffffe2, 26), (0x3ffffe3, 26), (0x3ffffe4, 26), (0x7ffffde, 27), // 200
        (0x7ffffdf, 27), (0x3ffffe5, 26), (0xfffff1, 24), (0x1ffffed, 25), // 204
        (0x7fff2, 19), (0x1fffe3, 21), (0x3ffffe6, 26), (0x7ffffe0, 27), // 208
        (0x7ffffe1, 27), (0x3ffffe7, 26), (0x7ffffe2, 27), (0xfffff2, 24), // 212
        (0x1fffe4, 21), (0x1fffe5, 21), (0x3ffffe8, 26), (0x3ffffe9, 26), // 216
        (0xffffffd, 28), (0x7ffffe3, 27), (0x7ffffe4, 27), (0x7ffffe5, 27), // 220
        (0xfffec, 20), (0xfffff3, 24), (0xfffed, 20), (0x1fffe6, 21), // 224
        (0x3fffe9, 22), (0x1fffe7, 21), (0x1fffe8, 21), (0x7ffff3, 23), // 228
        (0x3fffea, 22), (0x3fffeb, 22), (0x1ffffee, 25), (0x1ffffef, 25), // 232
        (0xfffff4, 24), (0xfffff5, 24), (0x3ffffea, 26), (0x7ffff4, 23), // 236
        (0x3ffffeb, 26), (0x7ffffe6, 27), (0x3ffffec, 26), (0x3ffffed, 26), // 240
        (0x7ffffe7, 27), (0x7ffffe8, 27), (0x7ffffe9, 27), (0x7ffffea, 27), // 244
        (0x7ffffeb, 27), (0xffffffe, 28), (0x7ffffec, 27), (0x7ffffed, 27), // 248
        (0x7ffffee, 27), (0x7ffffef, 27), (0x7fffff0, 27), (0x3ffffee, 26), // 252
        (0x3fffffff, 30), // 256
    ];

    // Binary decoding tree: node n has children at 2n (bit 0) and 2n + 1 (bit 1). A non-negative child is the
    // next node; a negative child -(symbol + 1) is a leaf.
    private static readonly short[] s_tree = BuildTree();

    /// <summary>(code, length) of <paramref name="symbol"/> (0..256), for tests and the encoder.</summary>
    public static (uint Code, int Length) GetCode(int symbol) => s_codes[symbol];

    /// <summary>Number of bytes <paramref name="source"/> takes when Huffman-encoded (with EOS-prefix padding).</summary>
    public static int GetEncodedLength(ReadOnlySpan<byte> source)
    {
        long bits = 0;
        foreach (byte b in source)
            bits += s_codes[b].Length;
        return (int)((bits + 7) / 8);
    }

    /// <summary>
    /// Encodes <paramref name="source"/> into <paramref name="destination"/>, which must hold
    /// <see cref="GetEncodedLength"/> bytes; the last byte is padded with the most significant bits of EOS
    /// (all ones, RFC 7541 §5.2). Returns the bytes written.
    /// </summary>
    public static int Encode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ulong buffer = 0; // pending bits, right-aligned
        int pending = 0;
        int written = 0;
        foreach (byte b in source)
        {
            (uint code, byte length) = s_codes[b];
            buffer = (buffer << length) | code;
            pending += length;
            while (pending >= 8)
            {
                pending -= 8;
                destination[written++] = (byte)(buffer >> pending);
            }
        }

        if (pending > 0)
            destination[written++] = (byte)((buffer << (8 - pending)) | (0xFFu >> pending));

        return written;
    }

    /// <summary>Largest number of bytes <paramref name="encodedLength"/> Huffman-encoded bytes can decode to (5-bit minimum code).</summary>
    public static int GetMaxDecodedLength(int encodedLength) => (int)((encodedLength * 8L) / 5);

    /// <summary>
    /// Decodes a Huffman-encoded string. Returns <see cref="OperationStatus.InvalidData"/> when the input contains
    /// EOS, ends with padding longer than 7 bits, or with padding that is not the most significant bits of EOS
    /// (RFC 7541 §5.2: all three are decoding errors); <see cref="OperationStatus.DestinationTooSmall"/> when
    /// <paramref name="destination"/> is shorter than the result.
    /// </summary>
    public static OperationStatus Decode(ReadOnlySpan<byte> source, Span<byte> destination, out int written)
    {
        written = 0;
        int node = 0;
        int bitsSinceSymbol = 0;
        bool allOnesSinceSymbol = true;
        foreach (byte b in source)
        {
            for (int shift = 7; shift >= 0; shift--)
            {
                int bit = (b >> shift) & 1;
                short next = s_tree[(node * 2) + bit];
                bitsSinceSymbol++;
                allOnesSinceSymbol &= bit == 1;
                if (next >= 0)
                {
                    node = next;
                    continue;
                }

                int symbol = -next - 1;
                if (symbol == EndOfString)
                    return OperationStatus.InvalidData;
                if (written == destination.Length)
                    return OperationStatus.DestinationTooSmall;

                destination[written++] = (byte)symbol;
                node = 0;
                bitsSinceSymbol = 0;
                allOnesSinceSymbol = true;
            }
        }

        // RFC 7541 §5.2: padding longer than 7 bits, or not a prefix of EOS (all ones), is a decoding error.
        if (bitsSinceSymbol > 7 || !allOnesSinceSymbol)
            return OperationStatus.InvalidData;

        return OperationStatus.Done;
    }

    private static short[] BuildTree()
    {
        // A complete prefix code over 257 symbols has 256 internal nodes.
        var tree = new short[256 * 2];
        int nodes = 1;
        for (int symbol = 0; symbol < s_codes.Length; symbol++)
        {
            (uint code, byte length) = s_codes[symbol];
            int node = 0;
            for (int i = length - 1; i > 0; i--)
            {
                int bit = (int)((code >> i) & 1);
                int slot = (node * 2) + bit;
                if (tree[slot] == 0)
                    tree[slot] = (short)nodes++;
                node = tree[slot];
            }

            tree[(node * 2) + (int)(code & 1)] = (short)(-symbol - 1);
        }

        return tree;
    }
}
