using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace MoqLive.Quic;

/// <summary>A 16-byte stateless reset token (RFC 9000 §10.3), stored inline. Equality is constant-time.</summary>
public readonly struct StatelessResetToken : IEquatable<StatelessResetToken>
{
    /// <summary>Token length in bytes.</summary>
    public const int Length = 16;

    private readonly Buffer _bytes;

    /// <summary>Copies exactly 16 bytes.</summary>
    public StatelessResetToken(ReadOnlySpan<byte> bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(bytes.Length, Length, nameof(bytes));
        bytes.CopyTo(_bytes);
    }

    /// <summary>The 16 bytes; valid only for the caller's local copy.</summary>
    [UnscopedRef]
    public ReadOnlySpan<byte> Span => _bytes;

    // RFC 9000 §10.3.1: comparisons against received tokens must not leak timing.
    public bool Equals(StatelessResetToken other) => CryptographicOperations.FixedTimeEquals(Span, other.Span);

    public override bool Equals(object? obj) => obj is StatelessResetToken other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Span);
        return hash.ToHashCode();
    }

    public static bool operator ==(StatelessResetToken left, StatelessResetToken right) => left.Equals(right);

    public static bool operator !=(StatelessResetToken left, StatelessResetToken right) => !left.Equals(right);

    public override string ToString() => Convert.ToHexStringLower(Span);

    [InlineArray(Length)]
    private struct Buffer
    {
        private byte _element0;
    }
}
