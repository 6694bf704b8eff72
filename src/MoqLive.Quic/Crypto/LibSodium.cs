using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace MoqLive.Quic.Crypto;

/// <summary>
/// The few libsodium primitives MoqLive calls directly, from the native library that the NSec.Cryptography package
/// ships, where NSec's managed API does not fit: the raw ChaCha20 stream with a block counter (ChaCha20 header
/// protection) and X25519 without NSec's guarded key memory (an mmap, mprotect and munmap per key, which cost more
/// than the curve arithmetic in a handshake). NSec itself calls the same functions.
/// </summary>
internal static class LibSodium
{
    private const string Library = "libsodium";

    /// <summary>crypto_scalarmult_curve25519_BYTES and _SCALARBYTES.</summary>
    public const int X25519Length = 32;

    static LibSodium()
    {
        // Idempotent; returns 1 when NSec already initialized the library. Picks the fastest implementations.
        if (sodium_init() < 0)
        {
            throw new CryptographicException("libsodium failed to initialize.");
        }
    }

    /// <summary>destination = source XOR ChaCha20(key, nonce, counter); 0 on success.</summary>
    public static int ChaCha20IetfXorIc(Span<byte> destination, ReadOnlySpan<byte> source, ReadOnlySpan<byte> nonce, uint counter, ReadOnlySpan<byte> key) =>
        crypto_stream_chacha20_ietf_xor_ic(
            ref MemoryMarshal.GetReference(destination),
            in MemoryMarshal.GetReference(source),
            (ulong)source.Length,
            in MemoryMarshal.GetReference(nonce),
            counter,
            in MemoryMarshal.GetReference(key));

    /// <summary>RFC 7748 §6.1: publicKey = X25519(privateKey, 9). Both 32 bytes.</summary>
    public static void X25519PublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey)
    {
        CheckLengths(privateKey, publicKey);
        if (crypto_scalarmult_curve25519_base(ref MemoryMarshal.GetReference(publicKey), in MemoryMarshal.GetReference(privateKey)) != 0)
        {
            throw new CryptographicException("crypto_scalarmult_curve25519_base failed.");
        }
    }

    /// <summary>
    /// RFC 7748 §6.1: sharedSecret = X25519(privateKey, peerPublicKey). False when the peer's key has small order
    /// or the result is all zeros (libsodium checks both), which RFC 8446 §7.4.2 requires a TLS peer to reject.
    /// </summary>
    public static bool TryX25519(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        CheckLengths(privateKey, sharedSecret);
        if (peerPublicKey.Length != X25519Length)
        {
            return false;
        }

        return crypto_scalarmult_curve25519(
            ref MemoryMarshal.GetReference(sharedSecret),
            in MemoryMarshal.GetReference(privateKey),
            in MemoryMarshal.GetReference(peerPublicKey)) == 0;
    }

    private static void CheckLengths(ReadOnlySpan<byte> privateKey, Span<byte> output)
    {
        if (privateKey.Length != X25519Length || output.Length != X25519Length)
        {
            throw new ArgumentException("X25519 keys and shared secrets are 32 bytes.");
        }
    }

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int sodium_init();

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int crypto_stream_chacha20_ietf_xor_ic(
        ref byte c, in byte m, ulong mlen, in byte n, uint ic, in byte k);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int crypto_scalarmult_curve25519_base(ref byte q, in byte n);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int crypto_scalarmult_curve25519(ref byte q, in byte n, in byte p);
}
