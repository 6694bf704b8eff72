using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MoqLive.Quic;

/// <summary>
/// A QUIC connection ID (RFC 9000 §5.1): 0 to 20 bytes, stored inline (no allocation). Value equality;
/// usable as a dictionary key.
/// </summary>
public readonly struct ConnectionId : IEquatable<ConnectionId>
{
    /// <summary>Largest connection ID length in QUIC v1 (RFC 9000 §17.2).</summary>
    public const int MaxLength = 20;

    private readonly Buffer _bytes;
    private readonly byte _length;

    /// <summary>Copies <paramref name="bytes"/> (at most 20) into a new connection ID.</summary>
    public ConnectionId(ReadOnlySpan<byte> bytes)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes.Length, MaxLength, nameof(bytes));
        bytes.CopyTo(_bytes);
        _length = (byte)bytes.Length;
    }

    /// <summary>The zero-length connection ID.</summary>
    public static ConnectionId Empty => default;

    /// <summary>Length in bytes (0-20).</summary>
    public int Length => _length;

    /// <summary>True for the zero-length connection ID.</summary>
    public bool IsEmpty => _length == 0;

    /// <summary>The bytes; the span points into a copy of this value, so it is only valid for the caller's local.</summary>
    [UnscopedRef]
    public ReadOnlySpan<byte> Span => ((ReadOnlySpan<byte>)_bytes)[.._length];

    /// <summary>Creates a connection ID when <paramref name="bytes"/> is at most 20 bytes long.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> bytes, out ConnectionId connectionId)
    {
        if (bytes.Length > MaxLength)
        {
            connectionId = default;
            return false;
        }

        connectionId = new ConnectionId(bytes);
        return true;
    }

    /// <summary>Copies the bytes into <paramref name="destination"/>; returns the length.</summary>
    public int CopyTo(Span<byte> destination)
    {
        Span.CopyTo(destination);
        return _length;
    }

    /// <summary>A new array with the bytes.</summary>
    public byte[] ToArray() => Span.ToArray();

    public bool Equals(ConnectionId other) => _length == other._length && Span.SequenceEqual(other.Span);

    public override bool Equals(object? obj) => obj is ConnectionId other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Span);
        return hash.ToHashCode();
    }

    public static bool operator ==(ConnectionId left, ConnectionId right) => left.Equals(right);

    public static bool operator !=(ConnectionId left, ConnectionId right) => !left.Equals(right);

    /// <summary>Lower-case hex, as in qlog.</summary>
    public override string ToString() => Convert.ToHexStringLower(Span);

    [InlineArray(MaxLength)]
    private struct Buffer
    {
        private byte _element0;
    }
}
