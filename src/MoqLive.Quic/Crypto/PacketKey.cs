using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MoqLive.Quic.Crypto;

/// <summary>
/// AEAD packet protection for one direction at one key generation (RFC 9001 §5.3). The AEAD instance is
/// created once and reused, so sealing and opening a packet does not allocate. Not thread-safe: a connection
/// uses it from its own loop.
/// </summary>
internal sealed class PacketKey : IDisposable
{
    /// <summary>Authentication tag length of every supported AEAD.</summary>
    public const int AeadTagLength = 16;

    private readonly AesGcm? _aesGcm;
    private readonly ChaCha20Poly1305? _chaCha;
    private readonly byte[] _iv;

    public PacketKey(CipherSuite suite, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        if (key.Length != suite.KeyLength() || iv.Length != suite.IvLength())
        {
            throw new ArgumentException("Key or IV length does not match the cipher suite.");
        }

        Suite = suite;
        _iv = iv.ToArray();
        if (suite == CipherSuite.ChaCha20Poly1305Sha256)
        {
            _chaCha = new ChaCha20Poly1305(key);
        }
        else
        {
            _aesGcm = new AesGcm(key, AeadTagLength);
        }
    }

    /// <summary>The cipher suite this key belongs to.</summary>
    public CipherSuite Suite { get; }

    /// <summary>Bytes the AEAD tag adds after the payload.</summary>
    public int TagLength => AeadTagLength;

    /// <summary>
    /// Confidentiality limit: the number of packets that may be sealed with this key (RFC 9001 §6.6).
    /// AEAD_CHACHA20_POLY1305 has no practical limit (larger than any packet number).
    /// </summary>
    public ulong ConfidentialityLimit => Suite == CipherSuite.ChaCha20Poly1305Sha256 ? 1UL << 62 : 1UL << 23;

    /// <summary>
    /// Integrity limit: the number of packets that may fail authentication across all keys of the connection
    /// before it must close with AEAD_LIMIT_REACHED (RFC 9001 §6.6).
    /// </summary>
    public ulong IntegrityLimit => Suite == CipherSuite.ChaCha20Poly1305Sha256 ? 1UL << 36 : 1UL << 52;

    /// <summary>
    /// Seals a packet in place. <paramref name="packet"/> holds the header (<paramref name="headerLength"/> bytes,
    /// the associated data), then the plaintext payload, then <see cref="TagLength"/> spare bytes that receive
    /// the tag. The header must already carry the full, unprotected packet number encoding.
    /// </summary>
    public void Encrypt(ulong packetNumber, Span<byte> packet, int headerLength)
    {
        int payloadLength = packet.Length - headerLength - AeadTagLength;
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength, nameof(packet));
        Span<byte> nonce = stackalloc byte[12];
        BuildNonce(packetNumber, nonce);
        ReadOnlySpan<byte> header = packet[..headerLength];
        Span<byte> payload = packet.Slice(headerLength, payloadLength);
        Span<byte> tag = packet.Slice(headerLength + payloadLength, AeadTagLength);
        if (_chaCha is not null)
        {
            _chaCha.Encrypt(nonce, payload, payload, tag, header);
        }
        else
        {
            _aesGcm!.Encrypt(nonce, payload, payload, tag, header);
        }
    }

    /// <summary>
    /// Opens a packet in place. <paramref name="packet"/> holds the unprotected header, then ciphertext and tag.
    /// On success the plaintext replaces the ciphertext and <paramref name="payloadLength"/> is its length;
    /// false when authentication fails (the packet is then discarded, RFC 9001 §5.3). On failure the payload
    /// bytes are zeroed, so the ciphertext is lost: for trial decryption with several keys (key update) use the
    /// out-of-place overload.
    /// </summary>
    public bool TryDecrypt(ulong packetNumber, Span<byte> packet, int headerLength, out int payloadLength)
    {
        payloadLength = packet.Length - headerLength - AeadTagLength;
        if (payloadLength < 0 || headerLength < 0)
        {
            payloadLength = 0;
            return false;
        }

        Span<byte> nonce = stackalloc byte[12];
        BuildNonce(packetNumber, nonce);
        ReadOnlySpan<byte> header = packet[..headerLength];
        Span<byte> payload = packet.Slice(headerLength, payloadLength);
        ReadOnlySpan<byte> tag = packet.Slice(headerLength + payloadLength, AeadTagLength);
        try
        {
            if (_chaCha is not null)
            {
                _chaCha.Decrypt(nonce, payload, tag, payload, header);
            }
            else
            {
                _aesGcm!.Decrypt(nonce, payload, tag, payload, header);
            }

            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            payloadLength = 0;
            return false;
        }
    }

    /// <summary>
    /// Opens a packet out of place: <paramref name="header"/> is the unprotected header (associated data),
    /// <paramref name="ciphertextWithTag"/> the protected payload and tag; the plaintext goes to
    /// <paramref name="destination"/>. The source is never modified, so another key can be tried after a failure.
    /// </summary>
    public bool TryDecrypt(ulong packetNumber, ReadOnlySpan<byte> header, ReadOnlySpan<byte> ciphertextWithTag, Span<byte> destination, out int payloadLength)
    {
        payloadLength = ciphertextWithTag.Length - AeadTagLength;
        if (payloadLength < 0 || destination.Length < payloadLength)
        {
            payloadLength = 0;
            return false;
        }

        Span<byte> nonce = stackalloc byte[12];
        BuildNonce(packetNumber, nonce);
        ReadOnlySpan<byte> ciphertext = ciphertextWithTag[..payloadLength];
        ReadOnlySpan<byte> tag = ciphertextWithTag[payloadLength..];
        Span<byte> plaintext = destination[..payloadLength];
        try
        {
            if (_chaCha is not null)
            {
                _chaCha.Decrypt(nonce, ciphertext, tag, plaintext, header);
            }
            else
            {
                _aesGcm!.Decrypt(nonce, ciphertext, tag, plaintext, header);
            }

            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            payloadLength = 0;
            return false;
        }
    }

    public void Dispose()
    {
        _aesGcm?.Dispose();
        _chaCha?.Dispose();
    }

    // RFC 9001 §5.3: the 62-bit packet number, left-padded to the IV length, XORed with the IV.
    private void BuildNonce(ulong packetNumber, Span<byte> nonce)
    {
        _iv.CopyTo(nonce);
        ulong tail = BinaryPrimitives.ReadUInt64BigEndian(nonce[4..]) ^ packetNumber;
        BinaryPrimitives.WriteUInt64BigEndian(nonce[4..], tail);
    }
}
