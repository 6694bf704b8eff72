using System.Security.Cryptography;

namespace MoqLive.Quic.Packets;

/// <summary>Stateless Reset (RFC 9000 §10.3): built to look like a short-header packet; detected by its trailing token.</summary>
internal static class StatelessReset
{
    /// <summary>Smallest Stateless Reset: 5 bytes of first byte + unpredictable bits, then the 16-byte token.</summary>
    public const int MinLength = 5 + StatelessResetToken.Length;

    /// <summary>Size used when the triggering packet is large (still smaller than it, §10.3.3).</summary>
    public const int PreferredLength = 43;

    /// <summary>
    /// Length of the Stateless Reset to send in reply to a packet of <paramref name="receivedLength"/> bytes; 0 when
    /// none may be sent. It is always shorter than the trigger to prevent reset loops (§10.3.3); for triggers of
    /// 43 bytes or less, exactly one byte shorter (§10.3).
    /// </summary>
    public static int GetResponseLength(int receivedLength)
    {
        if (receivedLength <= MinLength)
            return 0;
        return Math.Min(receivedLength - 1, PreferredLength);
    }

    /// <summary>
    /// Writes a Stateless Reset filling all of <paramref name="destination"/> (at least 21 bytes): first byte
    /// 0b01xxxxxx, unpredictable bytes, then <paramref name="token"/>. <paramref name="fillRandom"/> supplies the
    /// unpredictable bytes (defaults to <see cref="RandomNumberGenerator.Fill"/>).
    /// </summary>
    public static int Write(Span<byte> destination, StatelessResetToken token, Action<Span<byte>>? fillRandom = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, MinLength, nameof(destination));
        var random = destination[..^StatelessResetToken.Length];
        if (fillRandom is null)
            RandomNumberGenerator.Fill(random);
        else
            fillRandom(random);
        destination[0] = (byte)(PacketInvariants.FixedBit | (destination[0] & 0x3f));
        token.Span.CopyTo(destination[^StatelessResetToken.Length..]);
        return destination.Length;
    }

    /// <summary>
    /// The candidate token at the end of <paramref name="datagram"/>; false when the datagram is too short to be a
    /// Stateless Reset. The caller compares it (constant time, <see cref="StatelessResetToken.Equals(StatelessResetToken)"/>)
    /// with tokens of connection IDs in use (§10.3.1).
    /// </summary>
    public static bool TryGetToken(ReadOnlySpan<byte> datagram, out StatelessResetToken token)
    {
        if (datagram.Length < MinLength)
        {
            token = default;
            return false;
        }

        token = new StatelessResetToken(datagram[^StatelessResetToken.Length..]);
        return true;
    }

    /// <summary>True when <paramref name="datagram"/> ends with <paramref name="token"/> (constant-time comparison).</summary>
    public static bool Matches(ReadOnlySpan<byte> datagram, StatelessResetToken token) =>
        datagram.Length >= MinLength
        && CryptographicOperations.FixedTimeEquals(datagram[^StatelessResetToken.Length..], token.Span);
}
