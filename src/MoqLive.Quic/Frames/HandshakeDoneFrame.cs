namespace MoqLive.Quic.Frames;

/// <summary>HANDSHAKE_DONE (RFC 9000 §19.20): no fields; sent by the server only, in 1-RTT packets.</summary>
internal readonly struct HandshakeDoneFrame
{
    public int GetEncodedLength() => 1;

    public int Write(Span<byte> destination)
    {
        destination[0] = (byte)FrameType.HandshakeDone;
        return 1;
    }
}
