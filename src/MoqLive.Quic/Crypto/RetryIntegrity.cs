using System.Security.Cryptography;

namespace MoqLive.Quic.Crypto;

/// <summary>Retry Packet Integrity Tag for QUIC v1 (RFC 9001 §5.8).</summary>
internal static class RetryIntegrity
{
    /// <summary>Length of the tag that ends a Retry packet.</summary>
    public const int TagLength = 16;

    private static ReadOnlySpan<byte> Key =>
        [0xbe, 0x0c, 0x69, 0x0b, 0x9f, 0x66, 0x57, 0x5a, 0x1d, 0x76, 0x6b, 0x54, 0xe3, 0x68, 0xc8, 0x4e];

    private static ReadOnlySpan<byte> Nonce =>
        [0x46, 0x15, 0x99, 0xd3, 0x5d, 0x63, 0x2b, 0xf2, 0x23, 0x98, 0x25, 0xbb];

    /// <summary>
    /// Computes the tag over the Retry pseudo-packet: the original Destination Connection ID (length-prefixed)
    /// followed by the Retry packet without its tag.
    /// </summary>
    public static void ComputeTag(ReadOnlySpan<byte> originalDestinationConnectionId, ReadOnlySpan<byte> retryWithoutTag, Span<byte> tag)
    {
        if (originalDestinationConnectionId.Length > 255 || tag.Length < TagLength)
        {
            throw new ArgumentException("Connection ID too long or tag buffer too small.");
        }

        byte[] pseudo = new byte[1 + originalDestinationConnectionId.Length + retryWithoutTag.Length];
        pseudo[0] = (byte)originalDestinationConnectionId.Length;
        originalDestinationConnectionId.CopyTo(pseudo.AsSpan(1));
        retryWithoutTag.CopyTo(pseudo.AsSpan(1 + originalDestinationConnectionId.Length));
        using var aes = new AesGcm(Key, TagLength);
        aes.Encrypt(Nonce, ReadOnlySpan<byte>.Empty, Span<byte>.Empty, tag[..TagLength], pseudo);
    }

    /// <summary>True when the last 16 bytes of <paramref name="retryPacket"/> are its valid integrity tag.</summary>
    public static bool Verify(ReadOnlySpan<byte> originalDestinationConnectionId, ReadOnlySpan<byte> retryPacket)
    {
        if (retryPacket.Length < TagLength || originalDestinationConnectionId.Length > 255)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[TagLength];
        ComputeTag(originalDestinationConnectionId, retryPacket[..^TagLength], expected);
        return CryptographicOperations.FixedTimeEquals(expected, retryPacket[^TagLength..]);
    }
}
