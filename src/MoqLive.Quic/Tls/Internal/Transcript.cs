using System.Security.Cryptography;

namespace MoqLive.Quic.Tls.Internal;

/// <summary>
/// The handshake transcript (RFC 8446 §4.4.1). The hash function is only known once the cipher suite is chosen,
/// so the raw messages are kept and hashed on demand (a handful of times per handshake).
/// </summary>
internal sealed class Transcript
{
    private readonly TlsWriter _messages = new();

    public void Add(ReadOnlySpan<byte> handshakeMessage) => _messages.WriteBytes(handshakeMessage);

    public byte[] Hash(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA384 ? SHA384.HashData(_messages.WrittenSpan) : SHA256.HashData(_messages.WrittenSpan);

    /// <summary>
    /// After a HelloRetryRequest, ClientHello1 is replaced by message_hash: 0xFE 00 00 Hash.length || Hash(ClientHello1)
    /// (RFC 8446 §4.4.1). Call when the transcript holds exactly ClientHello1.
    /// </summary>
    public void ReplaceWithMessageHash(HashAlgorithmName hash)
    {
        byte[] digest = Hash(hash);
        _messages.Reset();
        _messages.WriteUInt8(HandshakeType.MessageHash);
        _messages.WriteUInt24(digest.Length);
        _messages.WriteBytes(digest);
    }
}
