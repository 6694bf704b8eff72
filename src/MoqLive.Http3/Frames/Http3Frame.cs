using System.Buffers;

namespace MoqLive.Http3.Frames;

/// <summary>
/// A frame read by <see cref="Http3FrameReader.TryReadFrame"/>: its type and its payload, which is a slice of
/// the reader's input and is valid only until that input is consumed.
/// </summary>
internal readonly struct Http3Frame
{
    public Http3Frame(ulong type, ReadOnlySequence<byte> payload)
    {
        Type = type;
        Payload = payload;
    }

    /// <summary>The frame type; may be one we do not know (§9: unknown types are ignored).</summary>
    public ulong Type { get; }

    /// <summary>The frame payload.</summary>
    public ReadOnlySequence<byte> Payload { get; }

    public Http3FrameType KnownType => (Http3FrameType)Type;
}
