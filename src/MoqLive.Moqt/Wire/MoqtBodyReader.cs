using System.Text;
using MoqLive.Moqt.Model;

namespace MoqLive.Moqt.Wire;

/// <summary>
/// Reads fields from a complete, bounded body (a control message body, a length-prefixed parameter, a
/// datagram). Running past the end is malformed input, not "need more": it throws
/// <see cref="MoqtProtocolException"/> with <see cref="MoqtErrorCode.ProtocolViolation"/> (or the code given).
/// </summary>
internal ref struct MoqtBodyReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private readonly MoqtErrorCode _truncationCode;

    public MoqtBodyReader(ReadOnlySpan<byte> buffer, MoqtErrorCode truncationCode = MoqtErrorCode.ProtocolViolation)
    {
        _buffer = buffer;
        _truncationCode = truncationCode;
        Position = 0;
    }

    public int Position { get; private set; }

    public readonly int Remaining => _buffer.Length - Position;

    public readonly bool End => Position >= _buffer.Length;

    public ulong ReadVi64()
    {
        if (!Vi64.TryRead(_buffer[Position..], out ulong value, out int read))
            ThrowHelper.Protocol(_truncationCode, "vi64 runs past the end of its container");
        Position += read;
        return value;
    }

    public byte ReadByte()
    {
        if (Position >= _buffer.Length)
            ThrowHelper.Protocol(_truncationCode, "byte field runs past the end of its container");
        return _buffer[Position++];
    }

    public ReadOnlySpan<byte> ReadBytes(int length)
    {
        if (length < 0 || length > Remaining)
            ThrowHelper.Protocol(_truncationCode, "byte string runs past the end of its container");
        ReadOnlySpan<byte> result = _buffer.Slice(Position, length);
        Position += length;
        return result;
    }

    /// <summary>Reads a vi64 length (bounded by <paramref name="maxLength"/>) and that many bytes.</summary>
    public ReadOnlySpan<byte> ReadLengthPrefixed(int maxLength, string what)
    {
        ulong length = ReadVi64();
        if (length > (ulong)maxLength)
            ThrowHelper.ProtocolViolation($"{what} length {length} exceeds the maximum of {maxLength}");
        return ReadBytes((int)length);
    }

    public ReadOnlySpan<byte> ReadRest()
    {
        ReadOnlySpan<byte> result = _buffer[Position..];
        Position = _buffer.Length;
        return result;
    }

    /// <summary>Reason Phrase (draft-19 §"Reason Phrase Structure"): at most 1024 bytes of UTF-8.</summary>
    public string ReadReasonPhrase() =>
        Encoding.UTF8.GetString(ReadLengthPrefixed(WireLimits.MaxReasonPhraseLength, "Reason Phrase"));

    public Location ReadLocation()
    {
        ulong group = ReadVi64();
        ulong obj = ReadVi64();
        return new Location(group, obj);
    }

    public readonly void ExpectEnd(string what)
    {
        if (!End)
            ThrowHelper.ProtocolViolation($"{Remaining} unexpected trailing bytes in {what}");
    }
}
