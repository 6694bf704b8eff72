using System.Security.Cryptography;

namespace MoqLive.Quic.Crypto;

/// <summary>The TLS 1.3 cipher suites QUIC packet protection supports (RFC 8446 §B.4, RFC 9001 §5.3).</summary>
internal enum CipherSuite : ushort
{
    /// <summary>TLS_AES_128_GCM_SHA256.</summary>
    Aes128GcmSha256 = 0x1301,

    /// <summary>TLS_AES_256_GCM_SHA384.</summary>
    Aes256GcmSha384 = 0x1302,

    /// <summary>TLS_CHACHA20_POLY1305_SHA256.</summary>
    ChaCha20Poly1305Sha256 = 0x1303,
}

/// <summary>Per-suite parameters.</summary>
internal static class CipherSuiteExtensions
{
    public static bool IsSupported(ushort value) =>
        value is (ushort)CipherSuite.Aes128GcmSha256 or (ushort)CipherSuite.Aes256GcmSha384 or (ushort)CipherSuite.ChaCha20Poly1305Sha256;

    /// <summary>The hash the suite's HKDF and transcript use.</summary>
    public static HashAlgorithmName HashAlgorithm(this CipherSuite suite) =>
        suite == CipherSuite.Aes256GcmSha384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;

    /// <summary>Output length of <see cref="HashAlgorithm"/> in bytes.</summary>
    public static int HashLength(this CipherSuite suite) => suite == CipherSuite.Aes256GcmSha384 ? 48 : 32;

    /// <summary>AEAD (and header protection) key length in bytes.</summary>
    public static int KeyLength(this CipherSuite suite) => suite == CipherSuite.Aes128GcmSha256 ? 16 : 32;

    /// <summary>AEAD nonce / IV length in bytes; 12 for every TLS 1.3 suite.</summary>
    public static int IvLength(this CipherSuite suite) => 12;
}
