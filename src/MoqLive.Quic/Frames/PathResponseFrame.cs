using System.Buffers.Binary;

namespace MoqLive.Quic.Frames;

/// <summary>PATH_RESPONSE (RFC 9000 §19.18): echoes the data of a PATH_CHALLENGE.</summary>
internal readonly record struct PathResponseFrame(ulong Data)
{
    public int GetEncodedLength() => 9;

    public int Write(Span<byte> destination)
    {
        destination[0] = (byte)FrameType.PathResponse;
        BinaryPrimitives.WriteUInt64BigEndian(destination[1..], Data);
        return 9;
    }

    internal static PathResponseFrame Decode(scoped ref FrameFieldReader reader) => new(reader.ReadUInt64BigEndian());
}
