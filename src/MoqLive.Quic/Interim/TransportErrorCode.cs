namespace MoqLive.Quic.Interim;

/// <summary>QUIC transport error codes (RFC 9000 §20.1). Interim copy; see README.md in this folder.</summary>
public enum TransportErrorCode : ulong
{
    NoError = 0x0,
    InternalError = 0x1,
    ConnectionRefused = 0x2,
    FlowControlError = 0x3,
    StreamLimitError = 0x4,
    StreamStateError = 0x5,
    FinalSizeError = 0x6,
    FrameEncodingError = 0x7,
    TransportParameterError = 0x8,
    ConnectionIdLimitError = 0x9,
    ProtocolViolation = 0xa,
    InvalidToken = 0xb,
    ApplicationError = 0xc,
    CryptoBufferExceeded = 0xd,
    KeyUpdateError = 0xe,
    AeadLimitReached = 0xf,
    NoViablePath = 0x10,
    CryptoError = 0x100,
}
