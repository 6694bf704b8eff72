using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace MoqLive.Quic.Crypto;

/// <summary>
/// The raw ChaCha20 stream with an explicit block counter, which .NET does not expose but ChaCha20 header
/// protection needs (RFC 9001 §5.4.4). Calls libsodium's crypto_stream_chacha20_ietf_xor_ic from the native
/// library that the NSec.Cryptography package ships.
/// </summary>
internal static partial class ChaCha20Native
{
    private const string Library = "libsodium";

    static ChaCha20Native()
    {
        // Idempotent; returns 1 when NSec already initialized the library.
        if (sodium_init() < 0)
        {
            throw new CryptographicException("libsodium failed to initialize.");
        }
    }

    /// <summary>destination = source XOR ChaCha20(key, nonce, counter).</summary>
    public static void XorIc(Span<byte> destination, ReadOnlySpan<byte> source, ReadOnlySpan<byte> nonce, uint counter, ReadOnlySpan<byte> key)
    {
        if (nonce.Length != 12 || key.Length != 32 || destination.Length < source.Length)
        {
            throw new ArgumentException("ChaCha20 needs a 12-byte nonce, a 32-byte key and room for the output.");
        }

        int rc = crypto_stream_chacha20_ietf_xor_ic(
            ref MemoryMarshal.GetReference(destination),
            in MemoryMarshal.GetReference(source),
            (ulong)source.Length,
            in MemoryMarshal.GetReference(nonce),
            counter,
            in MemoryMarshal.GetReference(key));
        if (rc != 0)
        {
            throw new CryptographicException("crypto_stream_chacha20_ietf_xor_ic failed.");
        }
    }

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int sodium_init();

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int crypto_stream_chacha20_ietf_xor_ic(
        ref byte c, in byte m, ulong mlen, in byte n, uint ic, in byte k);
}
