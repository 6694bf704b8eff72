using System.Security.Cryptography;
using System.Text;

namespace MoqLive.Quic.Crypto;

/// <summary>
/// HKDF-Expand-Label and Derive-Secret from the TLS 1.3 key schedule (RFC 8446 §7.1). HKDF itself comes from
/// <see cref="HKDF"/>; this only builds the HkdfLabel structure.
/// </summary>
internal static class HkdfLabel
{
    private static readonly byte[] s_prefix = "tls13 "u8.ToArray();

    /// <summary>HKDF-Expand-Label(Secret, Label, Context, Length) with a fresh output array.</summary>
    public static byte[] Expand(HashAlgorithmName hash, ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> context, int length)
    {
        var output = new byte[length];
        Expand(hash, secret, label, context, output);
        return output;
    }

    /// <summary>HKDF-Expand-Label into <paramref name="output"/> (its length is the Length field).</summary>
    public static void Expand(HashAlgorithmName hash, ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> context, Span<byte> output)
    {
        // struct { uint16 length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255>; } HkdfLabel;
        int labelLength = s_prefix.Length + Encoding.ASCII.GetByteCount(label);
        if (labelLength > 255 || context.Length > 255 || output.Length > ushort.MaxValue)
        {
            throw new ArgumentException("HkdfLabel field out of range.");
        }

        Span<byte> info = stackalloc byte[2 + 1 + labelLength + 1 + context.Length];
        info[0] = (byte)(output.Length >> 8);
        info[1] = (byte)output.Length;
        info[2] = (byte)labelLength;
        s_prefix.CopyTo(info[3..]);
        Encoding.ASCII.GetBytes(label, info[(3 + s_prefix.Length)..]);
        info[3 + labelLength] = (byte)context.Length;
        context.CopyTo(info[(4 + labelLength)..]);
        HKDF.Expand(hash, secret, output, info);
    }

    /// <summary>Derive-Secret(Secret, Label, Messages) given the transcript hash of Messages.</summary>
    public static byte[] DeriveSecret(HashAlgorithmName hash, ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> transcriptHash) =>
        Expand(hash, secret, label, transcriptHash, HashLength(hash));

    /// <summary>Output length of the hash in bytes.</summary>
    public static int HashLength(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA384 ? 48 : hash == HashAlgorithmName.SHA512 ? 64 : 32;

    /// <summary>Hash of the empty string (used by Derive-Secret(., "derived", "")).</summary>
    public static byte[] EmptyHash(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA384 ? SHA384.HashData(ReadOnlySpan<byte>.Empty) : SHA256.HashData(ReadOnlySpan<byte>.Empty);
}
