namespace MoqLive.Moqt.Wire;

/// <summary>
/// A Key-Value-Pair (draft-ietf-moq-transport-19 §"Key-Value-Pair Structure"), used for Setup Options and
/// Properties: an even <see cref="Type"/> carries a vi64 <see cref="Value"/>, an odd one carries up to 65535
/// <see cref="Bytes"/>.
/// </summary>
public readonly record struct MoqtKeyValuePair
{
    private MoqtKeyValuePair(ulong type, ulong value, ReadOnlyMemory<byte> bytes)
    {
        Type = type;
        Value = value;
        Bytes = bytes;
    }

    /// <summary>The (absolute, not delta) type.</summary>
    public ulong Type { get; }

    /// <summary>The integer value when <see cref="Type"/> is even; 0 otherwise.</summary>
    public ulong Value { get; }

    /// <summary>The byte value when <see cref="Type"/> is odd; empty otherwise.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>True for odd types (length-prefixed byte values).</summary>
    public bool IsBytes => (Type & 1) == 1;

    /// <summary>An integer pair; <paramref name="type"/> must be even.</summary>
    public static MoqtKeyValuePair FromInt(ulong type, ulong value)
    {
        if ((type & 1) != 0)
            throw new ArgumentException("Odd Key-Value-Pair types carry bytes.", nameof(type));
        return new MoqtKeyValuePair(type, value, ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>A byte-string pair; <paramref name="type"/> must be odd and the value at most 65535 bytes.</summary>
    public static MoqtKeyValuePair FromBytes(ulong type, ReadOnlyMemory<byte> bytes)
    {
        if ((type & 1) == 0)
            throw new ArgumentException("Even Key-Value-Pair types carry a vi64.", nameof(type));
        if (bytes.Length > WireLimits.MaxKeyValueLength)
            throw new ArgumentException("A Key-Value-Pair value is at most 65535 bytes.", nameof(bytes));
        return new MoqtKeyValuePair(type, 0, bytes);
    }

    public bool Equals(MoqtKeyValuePair other) =>
        Type == other.Type && Value == other.Value && Bytes.Span.SequenceEqual(other.Bytes.Span);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Type);
        hash.Add(Value);
        hash.AddBytes(Bytes.Span);
        return hash.ToHashCode();
    }

    public override string ToString() =>
        IsBytes ? $"0x{Type:x}=[{Convert.ToHexStringLower(Bytes.Span)}]" : $"0x{Type:x}={Value}";
}
