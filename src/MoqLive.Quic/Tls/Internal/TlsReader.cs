namespace MoqLive.Quic.Tls.Internal;

/// <summary>
/// Reads TLS presentation-language structures (RFC 8446 §3) from a span. Every overrun is a malformed message
/// and throws <see cref="TlsAlertException"/> with decode_error.
/// </summary>
internal ref struct TlsReader
{
    private ReadOnlySpan<byte> _remaining;

    public TlsReader(ReadOnlySpan<byte> data) => _remaining = data;

    public readonly int Remaining => _remaining.Length;

    public readonly bool IsEmpty => _remaining.IsEmpty;

    public byte ReadUInt8() => Take(1)[0];

    public ushort ReadUInt16()
    {
        ReadOnlySpan<byte> b = Take(2);
        return (ushort)((b[0] << 8) | b[1]);
    }

    public int ReadUInt24()
    {
        ReadOnlySpan<byte> b = Take(3);
        return (b[0] << 16) | (b[1] << 8) | b[2];
    }

    public ReadOnlySpan<byte> ReadBytes(int length) => Take(length);

    /// <summary>A vector with a 1-byte length prefix; <paramref name="min"/> is the minimum length.</summary>
    public ReadOnlySpan<byte> ReadVector8(int min = 0) => CheckMin(Take(ReadUInt8()), min);

    public ReadOnlySpan<byte> ReadVector16(int min = 0) => CheckMin(Take(ReadUInt16()), min);

    public ReadOnlySpan<byte> ReadVector24(int min = 0) => CheckMin(Take(ReadUInt24()), min);

    /// <summary>Throws decode_error unless everything was consumed.</summary>
    public readonly void EnsureEnd()
    {
        if (!_remaining.IsEmpty)
        {
            throw Malformed("trailing bytes");
        }
    }

    public static TlsAlertException Malformed(string what) => new(TlsAlert.DecodeError, "Malformed TLS message: " + what + ".");

    private static ReadOnlySpan<byte> CheckMin(ReadOnlySpan<byte> v, int min) =>
        v.Length < min ? throw Malformed("vector shorter than its minimum") : v;

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n > _remaining.Length)
        {
            throw Malformed("truncated");
        }

        ReadOnlySpan<byte> taken = _remaining[..n];
        _remaining = _remaining[n..];
        return taken;
    }
}
