namespace MoqLive.Quic.Tls.Internal;

/// <summary>HandshakeType (RFC 8446 §4).</summary>
internal static class HandshakeType
{
    public const byte ClientHello = 1;
    public const byte ServerHello = 2;
    public const byte NewSessionTicket = 4;
    public const byte EndOfEarlyData = 5;
    public const byte EncryptedExtensions = 8;
    public const byte Certificate = 11;
    public const byte CertificateRequest = 13;
    public const byte CertificateVerify = 15;
    public const byte Finished = 20;
    public const byte KeyUpdate = 24;
    public const byte MessageHash = 254;
}

/// <summary>ExtensionType values this implementation reads or writes (RFC 8446 §4.2, RFC 9001 §8.2).</summary>
internal static class ExtensionType
{
    public const ushort ServerName = 0;
    public const ushort SupportedGroups = 10;
    public const ushort SignatureAlgorithms = 13;
    public const ushort ApplicationLayerProtocolNegotiation = 16;
    public const ushort PreSharedKey = 41;
    public const ushort EarlyData = 42;
    public const ushort SupportedVersions = 43;
    public const ushort Cookie = 44;
    public const ushort PskKeyExchangeModes = 45;
    public const ushort KeyShare = 51;
    public const ushort QuicTransportParameters = 0x39;
}

/// <summary>NamedGroup values (RFC 8446 §4.2.7).</summary>
internal static class NamedGroup
{
    public const ushort Secp256r1 = 0x0017;
    public const ushort Secp384r1 = 0x0018;
    public const ushort X25519 = 0x001d;
    public const ushort X25519MlKem768 = 0x11ec;

    public static bool IsSupported(ushort group) => group is X25519 or Secp256r1;
}

/// <summary>SignatureScheme values (RFC 8446 §4.2.3).</summary>
internal static class SignatureScheme
{
    public const ushort RsaPkcs1Sha256 = 0x0401;
    public const ushort RsaPkcs1Sha384 = 0x0501;
    public const ushort RsaPkcs1Sha512 = 0x0601;
    public const ushort EcdsaSecp256r1Sha256 = 0x0403;
    public const ushort EcdsaSecp384r1Sha384 = 0x0503;
    public const ushort EcdsaSecp521r1Sha512 = 0x0603;
    public const ushort RsaPssRsaeSha256 = 0x0804;
    public const ushort RsaPssRsaeSha384 = 0x0805;
    public const ushort RsaPssRsaeSha512 = 0x0806;

    /// <summary>What a client offers: schemes it can verify in CertificateVerify, plus PKCS#1 for certificate chains.</summary>
    public static readonly ushort[] ClientOffered =
    [
        EcdsaSecp256r1Sha256, RsaPssRsaeSha256, EcdsaSecp384r1Sha384, RsaPssRsaeSha384, RsaPssRsaeSha512,
        EcdsaSecp521r1Sha512, RsaPkcs1Sha256, RsaPkcs1Sha384, RsaPkcs1Sha512,
    ];
}

/// <summary>TLS protocol versions.</summary>
internal static class TlsVersion
{
    public const ushort Tls12 = 0x0303;
    public const ushort Tls13 = 0x0304;
}
