using System.Security.Cryptography;

namespace MoqLive.Quic.Crypto;

/// <summary>
/// The raw ChaCha20 stream with an explicit block counter, which .NET does not expose but ChaCha20 header
/// protection needs (RFC 9001 §5.4.4). Calls libsodium's crypto_stream_chacha20_ietf_xor_ic (<see cref="LibSodium"/>).
/// </summary>
internal static class ChaCha20Native
{
    /// <summary>destination = source XOR ChaCha20(key, nonce, counter).</summary>
    public static void XorIc(Span<byte> destination, ReadOnlySpan<byte> source, ReadOnlySpan<byte> nonce, uint counter, ReadOnlySpan<byte> key)
    {
        if (nonce.Length != 12 || key.Length != 32 || destination.Length < source.Length)
        {
            throw new ArgumentException("ChaCha20 needs a 12-byte nonce, a 32-byte key and room for the output.");
        }

        if (LibSodium.ChaCha20IetfXorIc(destination, source, nonce, counter, key) != 0)
        {
            throw new CryptographicException("crypto_stream_chacha20_ietf_xor_ic failed.");
        }
    }
}
