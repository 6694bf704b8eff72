namespace MoqLive.Quic.Frames;

/// <summary>PING (RFC 9000 §19.2): no fields; elicits an acknowledgment.</summary>
internal readonly struct PingFrame
{
    public int GetEncodedLength() => 1;

    public int Write(Span<byte> destination)
    {
        destination[0] = (byte)FrameType.Ping;
        return 1;
    }
}
