using System.Buffers.Binary;
using System.Text;
using MoqLive.Moqt.Model;

namespace MoqLive.Moqt.Wire;

/// <summary>Writes fields into a span sized beforehand with the matching <c>GetEncodedLength</c>.</summary>
internal ref struct MoqtSpanWriter
{
    private readonly Span<byte> _buffer;

    public MoqtSpanWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        Position = 0;
    }

    public int Position { get; private set; }

    public void WriteVi64(ulong value) => Position += Vi64.Write(_buffer[Position..], value);

    public void WriteByte(byte value) => _buffer[Position++] = value;

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[Position..], value);
        Position += 2;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_buffer[Position..]);
        Position += value.Length;
    }

    public void WriteLengthPrefixed(ReadOnlySpan<byte> value)
    {
        WriteVi64((ulong)value.Length);
        WriteBytes(value);
    }

    public void WriteReasonPhrase(string reason)
    {
        int length = Encoding.UTF8.GetByteCount(reason);
        WriteVi64((ulong)length);
        Position += Encoding.UTF8.GetBytes(reason, _buffer[Position..]);
    }

    public void WriteLocation(Location location)
    {
        WriteVi64(location.Group);
        WriteVi64(location.Object);
    }
}
