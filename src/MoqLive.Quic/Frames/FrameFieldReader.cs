using System.Buffers.Binary;
using MoqLive.Transport.Encoding;

namespace MoqLive.Quic.Frames;

/// <summary>
/// Cursor over one frame's bytes. Every read that runs past the end throws FRAME_ENCODING_ERROR naming the
/// frame type (RFC 9000 §12.4: a frame that cannot be parsed is a FRAME_ENCODING_ERROR).
/// </summary>
internal ref struct FrameFieldReader
{
    private readonly ReadOnlySpan<byte> _source;
    private readonly FrameType _type;
    private int _position;

    public FrameFieldReader(ReadOnlySpan<byte> source, FrameType type)
    {
        _source = source;
        _type = type;
        _position = 0;
    }

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Consumed => _position;

    /// <summary>Bytes left.</summary>
    public readonly int Remaining => _source.Length - _position;

    public ulong ReadVarInt()
    {
        if (!QuicVarInt.TryRead(_source[_position..], out ulong value, out int length))
            throw Truncated();
        _position += length;
        return value;
    }

    public byte ReadByte()
    {
        if (_position >= _source.Length)
            throw Truncated();
        return _source[_position++];
    }

    public ulong ReadUInt64BigEndian() => BinaryPrimitives.ReadUInt64BigEndian(ReadBytes(8));

    public ReadOnlySpan<byte> ReadBytes(int length)
    {
        if ((uint)length > (uint)Remaining)
            throw Truncated();
        ReadOnlySpan<byte> bytes = _source.Slice(_position, length);
        _position += length;
        return bytes;
    }

    /// <summary>Reads a varint length and then that many bytes.</summary>
    public ReadOnlySpan<byte> ReadLengthPrefixed()
    {
        ulong length = ReadVarInt();
        if (length > (ulong)Remaining)
            throw Truncated();
        return ReadBytes((int)length);
    }

    /// <summary>Bytes already read, by position within this frame.</summary>
    public readonly ReadOnlySpan<byte> Slice(int start, int length) => _source.Slice(start, length);

    public ReadOnlySpan<byte> ReadToEnd() => ReadBytes(Remaining);

    public readonly QuicProtocolException Error(string reason) =>
        new(TransportErrorCode.FrameEncodingError, (ulong)_type, reason);

    private readonly QuicProtocolException Truncated() => Error($"Truncated {_type} frame.");
}
