using System.Security.Cryptography;
using MoqLive.Quic.Crypto;

namespace MoqLive.Quic.Tls.Internal;

/// <summary>
/// The TLS 1.3 key schedule without PSK (RFC 8446 §7.1): Early Secret → Handshake Secret → Master Secret, the
/// traffic secrets derived from them, and Finished verify_data (§4.4.4).
/// </summary>
internal sealed class KeySchedule
{
    private readonly HashAlgorithmName _hash;
    private readonly int _hashLength;
    private byte[]? _handshakeSecret;
    private byte[]? _masterSecret;

    public KeySchedule(HashAlgorithmName hash)
    {
        _hash = hash;
        _hashLength = HkdfLabel.HashLength(hash);
        // No PSK: Early Secret = HKDF-Extract(salt = 0, IKM = 0), both Hash.length zero bytes.
        EarlySecret = HKDF.Extract(hash, new byte[_hashLength], new byte[_hashLength]);
    }

    public byte[] EarlySecret { get; }

    public byte[] HandshakeSecret => _handshakeSecret ?? throw new InvalidOperationException("No handshake secret yet.");

    public byte[] MasterSecret => _masterSecret ?? throw new InvalidOperationException("No master secret yet.");

    /// <summary>Handshake Secret = HKDF-Extract(Derive-Secret(Early Secret, "derived", ""), (EC)DHE).</summary>
    public void SetSharedSecret(ReadOnlySpan<byte> sharedSecret)
    {
        byte[] derived = HkdfLabel.DeriveSecret(_hash, EarlySecret, "derived", HkdfLabel.EmptyHash(_hash));
        _handshakeSecret = HKDF.Extract(_hash, sharedSecret.ToArray(), derived);
        byte[] derived2 = HkdfLabel.DeriveSecret(_hash, _handshakeSecret, "derived", HkdfLabel.EmptyHash(_hash));
        _masterSecret = HKDF.Extract(_hash, new byte[_hashLength], derived2);
    }

    /// <summary>"c hs traffic" / "s hs traffic" over Hash(ClientHello..ServerHello).</summary>
    public (byte[] Client, byte[] Server) HandshakeTrafficSecrets(ReadOnlySpan<byte> transcriptHash) =>
        (HkdfLabel.DeriveSecret(_hash, HandshakeSecret, "c hs traffic", transcriptHash),
         HkdfLabel.DeriveSecret(_hash, HandshakeSecret, "s hs traffic", transcriptHash));

    /// <summary>"c ap traffic" / "s ap traffic" over Hash(ClientHello..server Finished).</summary>
    public (byte[] Client, byte[] Server) ApplicationTrafficSecrets(ReadOnlySpan<byte> transcriptHash) =>
        (HkdfLabel.DeriveSecret(_hash, MasterSecret, "c ap traffic", transcriptHash),
         HkdfLabel.DeriveSecret(_hash, MasterSecret, "s ap traffic", transcriptHash));

    /// <summary>verify_data = HMAC(finished_key, Transcript-Hash), finished_key = HKDF-Expand-Label(secret, "finished", "", Hash.length).</summary>
    public byte[] FinishedVerifyData(ReadOnlySpan<byte> trafficSecret, ReadOnlySpan<byte> transcriptHash)
    {
        byte[] finishedKey = HkdfLabel.Expand(_hash, trafficSecret, "finished", default, _hashLength);
        byte[] result = _hash == HashAlgorithmName.SHA384
            ? HMACSHA384.HashData(finishedKey, transcriptHash)
            : HMACSHA256.HashData(finishedKey, transcriptHash);
        CryptographicOperations.ZeroMemory(finishedKey);
        return result;
    }
}
