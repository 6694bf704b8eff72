using System.Security.Cryptography;

namespace MoqLive.Quic.Crypto;

/// <summary>
/// The current client and server 1-RTT traffic secrets, kept so that key updates (RFC 9001 §6) can derive the
/// next generation of packet keys. Header protection keys are not affected by key updates.
/// </summary>
internal sealed class OneRttSecrets
{
    private byte[] _local;
    private byte[] _remote;

    public OneRttSecrets(CipherSuite suite, byte[] localSecret, byte[] remoteSecret)
    {
        Suite = suite;
        _local = localSecret;
        _remote = remoteSecret;
    }

    public CipherSuite Suite { get; }

    /// <summary>
    /// Advances both secrets with "quic ku" and returns the packet keys of the next generation. Call once per
    /// key phase change; the QUIC layer keeps the previous generation as long as it needs it.
    /// </summary>
    public PacketKeyPair Next()
    {
        byte[] local = QuicKeyDerivation.NextSecret(Suite, _local);
        byte[] remote = QuicKeyDerivation.NextSecret(Suite, _remote);
        CryptographicOperations.ZeroMemory(_local);
        CryptographicOperations.ZeroMemory(_remote);
        _local = local;
        _remote = remote;
        return new PacketKeyPair(
            QuicKeyDerivation.PacketKeyFromSecret(Suite, local),
            QuicKeyDerivation.PacketKeyFromSecret(Suite, remote));
    }
}
