using System.Buffers.Binary;

namespace MoqLive.Quic.Frames;

/// <summary>PATH_CHALLENGE (RFC 9000 §19.17): 8 bytes of unpredictable data, kept as a big-endian ulong.</summary>
internal readonly record struct PathChallengeFrame(ulong Data)
{
    public int GetEncodedLength() => 9;

    public int Write(Span<byte> destination)
    {
        destination[0] = (byte)FrameType.PathChallenge;
        BinaryPrimitives.WriteUInt64BigEndian(destination[1..], Data);
        return 9;
    }

    internal static PathChallengeFrame Decode(scoped ref FrameFieldReader reader) => new(reader.ReadUInt64BigEndian());
}
