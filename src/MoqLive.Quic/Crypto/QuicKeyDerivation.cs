using System.Security.Cryptography;

namespace MoqLive.Quic.Crypto;

/// <summary>
/// QUIC key derivation from TLS secrets (RFC 9001 §5.1, §5.2, §6.1).
/// </summary>
internal static class QuicKeyDerivation
{
    /// <summary>initial_salt for QUIC version 1 (RFC 9001 §5.2).</summary>
    public static ReadOnlySpan<byte> InitialSaltV1 =>
    [
        0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
        0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a,
    ];

    /// <summary>The AEAD key ("quic key") and IV ("quic iv") from a traffic secret.</summary>
    public static PacketKey PacketKeyFromSecret(CipherSuite suite, ReadOnlySpan<byte> secret)
    {
        HashAlgorithmName hash = suite.HashAlgorithm();
        Span<byte> key = stackalloc byte[suite.KeyLength()];
        Span<byte> iv = stackalloc byte[suite.IvLength()];
        HkdfLabel.Expand(hash, secret, "quic key", default, key);
        HkdfLabel.Expand(hash, secret, "quic iv", default, iv);
        var packetKey = new PacketKey(suite, key, iv);
        CryptographicOperations.ZeroMemory(key);
        return packetKey;
    }

    /// <summary>The header protection key ("quic hp") from a traffic secret.</summary>
    public static HeaderKey HeaderKeyFromSecret(CipherSuite suite, ReadOnlySpan<byte> secret)
    {
        Span<byte> hp = stackalloc byte[suite.KeyLength()];
        HkdfLabel.Expand(suite.HashAlgorithm(), secret, "quic hp", default, hp);
        var headerKey = new HeaderKey(suite, hp);
        CryptographicOperations.ZeroMemory(hp);
        return headerKey;
    }

    /// <summary>The next generation of a 1-RTT traffic secret: HKDF-Expand-Label(secret, "quic ku", "", Hash.length) (RFC 9001 §6.1).</summary>
    public static byte[] NextSecret(CipherSuite suite, ReadOnlySpan<byte> secret) =>
        HkdfLabel.Expand(suite.HashAlgorithm(), secret, "quic ku", default, suite.HashLength());

    /// <summary>
    /// client_initial_secret and server_initial_secret from the Destination Connection ID of the client's
    /// first Initial packet (RFC 9001 §5.2).
    /// </summary>
    public static (byte[] Client, byte[] Server) InitialSecrets(ReadOnlySpan<byte> clientDestinationConnectionId)
    {
        Span<byte> initialSecret = stackalloc byte[32];
        HKDF.Extract(HashAlgorithmName.SHA256, clientDestinationConnectionId, InitialSaltV1, initialSecret);
        byte[] client = HkdfLabel.Expand(HashAlgorithmName.SHA256, initialSecret, "client in", default, 32);
        byte[] server = HkdfLabel.Expand(HashAlgorithmName.SHA256, initialSecret, "server in", default, 32);
        CryptographicOperations.ZeroMemory(initialSecret);
        return (client, server);
    }

    /// <summary>
    /// Initial keys (AES-128-GCM) for one endpoint: a client seals with the client secret and opens with the
    /// server secret, a server the reverse. Both sides derive them from the client's first Destination
    /// Connection ID (after a Retry, from the Retry's Source Connection ID).
    /// </summary>
    public static LevelKeys InitialKeys(ReadOnlySpan<byte> clientDestinationConnectionId, bool isServer)
    {
        (byte[] client, byte[] server) = InitialSecrets(clientDestinationConnectionId);
        var clientKeys = DirectionalKeys.FromSecret(CipherSuite.Aes128GcmSha256, client);
        var serverKeys = DirectionalKeys.FromSecret(CipherSuite.Aes128GcmSha256, server);
        CryptographicOperations.ZeroMemory(client);
        CryptographicOperations.ZeroMemory(server);
        return isServer
            ? new LevelKeys(EncryptionLevel.Initial, serverKeys, clientKeys)
            : new LevelKeys(EncryptionLevel.Initial, clientKeys, serverKeys);
    }
}
