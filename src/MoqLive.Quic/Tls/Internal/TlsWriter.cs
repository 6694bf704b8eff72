namespace MoqLive.Quic.Tls.Internal;

/// <summary>
/// Builds TLS handshake structures. Length prefixes are reserved with <see cref="BeginVector"/> and filled in by
/// <see cref="EndVector"/>. Handshake messages are a cold path, so a growable array is enough.
/// </summary>
internal sealed class TlsWriter
{
    private byte[] _buffer = new byte[256];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    public byte[] ToArray() => WrittenSpan.ToArray();

    public void Reset() => Length = 0;

    public void WriteUInt8(int value) => Grow(1)[0] = (byte)value;

    public void WriteUInt16(int value)
    {
        Span<byte> s = Grow(2);
        s[0] = (byte)(value >> 8);
        s[1] = (byte)value;
    }

    public void WriteUInt24(int value)
    {
        Span<byte> s = Grow(3);
        s[0] = (byte)(value >> 16);
        s[1] = (byte)(value >> 8);
        s[2] = (byte)value;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Grow(bytes.Length));

    public void WriteVector8(ReadOnlySpan<byte> bytes)
    {
        WriteUInt8(bytes.Length);
        WriteBytes(bytes);
    }

    public void WriteVector16(ReadOnlySpan<byte> bytes)
    {
        WriteUInt16(bytes.Length);
        WriteBytes(bytes);
    }

    /// <summary>Reserves a length prefix of <paramref name="prefixBytes"/> (1, 2 or 3) and returns its position.</summary>
    public int BeginVector(int prefixBytes)
    {
        int position = Length;
        Grow(prefixBytes).Clear();
        return (position << 2) | prefixBytes;
    }

    /// <summary>Writes the length of everything written since <see cref="BeginVector"/> into its prefix.</summary>
    public void EndVector(int token)
    {
        int prefixBytes = token & 3;
        int position = token >> 2;
        int length = Length - position - prefixBytes;
        if (length >= 1 << (8 * prefixBytes))
        {
            throw new InvalidOperationException("TLS vector too long for its length prefix.");
        }

        for (int i = 0; i < prefixBytes; i++)
        {
            _buffer[position + i] = (byte)(length >> (8 * (prefixBytes - 1 - i)));
        }
    }

    private Span<byte> Grow(int n)
    {
        if (Length + n > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + n));
        }

        Span<byte> span = _buffer.AsSpan(Length, n);
        Length += n;
        return span;
    }
}
