using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;

namespace MoqLive.Quic.Core;

/// <summary>
/// Address validation tokens sent in Retry packets (RFC 9000 §8.1.2, §8.1.4): AES-256-GCM under a per-endpoint key
/// (generated at random, never leaves the process), so only this endpoint can make or read them. The sealed part holds
/// the issue time and the client's original Destination Connection ID; the client's address and the connection ID the
/// Retry chose are authenticated as associated data, so a token is valid only from the address it was sent to, for
/// the Initial that follows that Retry, and only for <see cref="Lifetime"/>.
/// </summary>
/// <remarks>Layout: 0x01 (token kind) | 12-byte nonce | sealed(issued ticks (8) | ODCID length (1) | ODCID) | 16-byte tag.</remarks>
internal sealed class RetryTokens : IDisposable
{
    private const byte RetryKind = 0x01;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int Overhead = 1 + NonceLength + TagLength;

    private readonly AesGcm _aead = new(RandomNumberGenerator.GetBytes(32), TagLength);

    /// <summary>How long a token stays valid: a few round trips are plenty (the client echoes it at once). Default 10 s.</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest token <see cref="Create"/> makes.</summary>
    public const int MaxLength = Overhead + 8 + 1 + ConnectionId.MaxLength;

    /// <summary>Makes the token for a Retry sent to <paramref name="client"/> with Source Connection ID <paramref name="retryConnectionId"/>.</summary>
    public byte[] Create(Instant now, EndPoint client, ConnectionId originalDestination, ConnectionId retryConnectionId)
    {
        int plainLength = 8 + 1 + originalDestination.Length;
        var token = new byte[Overhead + plainLength];
        token[0] = RetryKind;
        var nonce = token.AsSpan(1, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        var sealedPart = token.AsSpan(1 + NonceLength, plainLength);
        BinaryPrimitives.WriteInt64BigEndian(sealedPart, now.Ticks);
        sealedPart[8] = (byte)originalDestination.Length;
        originalDestination.CopyTo(sealedPart[9..]);
        _aead.Encrypt(nonce, sealedPart, sealedPart, token.AsSpan(token.Length - TagLength), AssociatedData(client, retryConnectionId));
        return token;
    }

    /// <summary>
    /// Checks a token from an Initial sent by <paramref name="client"/> to <paramref name="destination"/> (the
    /// connection ID our Retry chose). False when it was not made by this endpoint for that address and connection ID,
    /// or has expired.
    /// </summary>
    public bool TryValidate(Instant now, ReadOnlySpan<byte> token, EndPoint client, ConnectionId destination, out ConnectionId originalDestination)
    {
        originalDestination = default;
        if (token.Length < Overhead + 9 || token.Length > MaxLength || token[0] != RetryKind) return false;
        var plain = new byte[token.Length - Overhead];
        try
        {
            _aead.Decrypt(token.Slice(1, NonceLength), token.Slice(1 + NonceLength, plain.Length), token[^TagLength..], plain, AssociatedData(client, destination));
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
        var issued = new Instant(BinaryPrimitives.ReadInt64BigEndian(plain));
        if (issued > now || now - issued > Lifetime || plain[8] != plain.Length - 9) return false;
        originalDestination = new ConnectionId(plain.AsSpan(9));
        return true;
    }

    public void Dispose() => _aead.Dispose();

    // The client's IP address and port, then the Retry's connection ID.
    private static byte[] AssociatedData(EndPoint client, ConnectionId retryConnectionId)
    {
        var address = client is IPEndPoint ip ? ip : throw new ArgumentException("Retry needs an IP endpoint.", nameof(client));
        var ipBytes = address.Address.IsIPv4MappedToIPv6 ? address.Address.MapToIPv4().GetAddressBytes() : address.Address.GetAddressBytes();
        var ad = new byte[ipBytes.Length + 2 + retryConnectionId.Length];
        ipBytes.CopyTo(ad, 0);
        BinaryPrimitives.WriteUInt16BigEndian(ad.AsSpan(ipBytes.Length), (ushort)address.Port);
        retryConnectionId.CopyTo(ad.AsSpan(ipBytes.Length + 2));
        return ad;
    }
}
