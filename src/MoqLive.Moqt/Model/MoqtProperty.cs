namespace MoqLive.Moqt.Model;

/// <summary>
/// One Key-Value-Pair property (draft-ietf-moq-transport-19 §"Key-Value-Pair Structure", §"Properties"):
/// an even type carries a varint value, an odd type carries bytes (≤ 65535). Relays forward unknown properties
/// unchanged.
/// </summary>
public readonly record struct MoqtProperty
{
    private MoqtProperty(ulong type, ulong value, ReadOnlyMemory<byte> bytes)
    {
        Type = type;
        IntValue = value;
        BytesValue = bytes;
    }

    /// <summary>The property type; odd types carry bytes.</summary>
    public ulong Type { get; }

    /// <summary>The value of an even-typed property.</summary>
    public ulong IntValue { get; }

    /// <summary>The value of an odd-typed property (immutable by convention: never write into it).</summary>
    public ReadOnlyMemory<byte> BytesValue { get; }

    /// <summary>True if the type is odd and the value is a byte string.</summary>
    public bool IsBytes => (Type & 1) == 1;

    /// <summary>Creates an integer property; <paramref name="type"/> must be even.</summary>
    public static MoqtProperty FromInt(ulong type, ulong value)
    {
        if ((type & 1) != 0)
            throw new ArgumentException("Integer properties have even types.", nameof(type));
        return new MoqtProperty(type, value, default);
    }

    /// <summary>Creates a byte-string property; <paramref name="type"/> must be odd. The bytes are copied.</summary>
    public static MoqtProperty FromBytes(ulong type, ReadOnlySpan<byte> value)
    {
        if ((type & 1) == 0)
            throw new ArgumentException("Byte-string properties have odd types.", nameof(type));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value.Length, ushort.MaxValue, nameof(value));
        return new MoqtProperty(type, 0, value.ToArray());
    }
}
