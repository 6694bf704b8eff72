namespace MoqLive.Quic.Frames;

/// <summary>
/// A run of PADDING frames (RFC 9000 §19.1). Each padding byte is a frame of its own; the reader folds a run
/// of them into one value.
/// </summary>
internal readonly struct PaddingFrame(int length)
{
    /// <summary>Number of padding bytes (each is one frame).</summary>
    public int Length { get; } = length;

    public int GetEncodedLength() => Length;

    public int Write(Span<byte> destination)
    {
        destination[..Length].Clear();
        return Length;
    }
}
