namespace MoqLive.Quic.Frames;

/// <summary>QUIC frame types (RFC 9000 §19, RFC 9221 §4, draft-ietf-quic-ack-frequency-11 §4/§5).</summary>
public enum FrameType : ulong
{
    Padding = 0x00,
    Ping = 0x01,
    Ack = 0x02,
    AckEcn = 0x03,
    ResetStream = 0x04,
    StopSending = 0x05,
    Crypto = 0x06,
    NewToken = 0x07,

    /// <summary>STREAM without OFF/LEN/FIN; 0x08-0x0f carry the bits below.</summary>
    Stream = 0x08,
    StreamMax = 0x0f,
    MaxData = 0x10,
    MaxStreamData = 0x11,
    MaxStreamsBidi = 0x12,
    MaxStreamsUni = 0x13,
    DataBlocked = 0x14,
    StreamDataBlocked = 0x15,
    StreamsBlockedBidi = 0x16,
    StreamsBlockedUni = 0x17,
    NewConnectionId = 0x18,
    RetireConnectionId = 0x19,
    PathChallenge = 0x1a,
    PathResponse = 0x1b,
    ConnectionClose = 0x1c,
    ConnectionCloseApplication = 0x1d,
    HandshakeDone = 0x1e,

    /// <summary>draft-ietf-quic-ack-frequency-11 §5.</summary>
    ImmediateAck = 0x1f,

    /// <summary>draft-ietf-quic-reliable-stream-reset §4 (used by MOQT to reset data streams).</summary>
    ResetStreamAt = 0x24,
    Datagram = 0x30,
    DatagramWithLength = 0x31,

    /// <summary>draft-ietf-quic-ack-frequency-11 §4.</summary>
    AckFrequency = 0xaf,
}

/// <summary>STREAM frame type bits (RFC 9000 §19.8).</summary>
[Flags]
internal enum StreamFrameBits : byte
{
    None = 0,
    Fin = 0x01,
    Len = 0x02,
    Off = 0x04,
}
