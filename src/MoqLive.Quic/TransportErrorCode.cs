namespace MoqLive.Quic;

/// <summary>QUIC transport error codes (RFC 9000 §20.1), carried in CONNECTION_CLOSE frames of type 0x1c.</summary>
public enum TransportErrorCode : ulong
{
    NoError = 0x00,
    InternalError = 0x01,
    ConnectionRefused = 0x02,
    FlowControlError = 0x03,
    StreamLimitError = 0x04,
    StreamStateError = 0x05,
    FinalSizeError = 0x06,
    FrameEncodingError = 0x07,
    TransportParameterError = 0x08,
    ConnectionIdLimitError = 0x09,
    ProtocolViolation = 0x0a,
    InvalidToken = 0x0b,
    ApplicationError = 0x0c,
    CryptoBufferExceeded = 0x0d,
    KeyUpdateError = 0x0e,
    AeadLimitReached = 0x0f,
    NoViablePath = 0x10,

    /// <summary>Base of the CRYPTO_ERROR range 0x0100-0x01ff: the low byte is a TLS alert (RFC 9001 §4.8).</summary>
    CryptoError = 0x100,
}

/// <summary>Helpers for <see cref="TransportErrorCode"/>.</summary>
public static class TransportErrorCodeExtensions
{
    /// <summary>CRYPTO_ERROR carrying a TLS alert description (RFC 9001 §4.8).</summary>
    public static TransportErrorCode FromTlsAlert(byte alertDescription) =>
        TransportErrorCode.CryptoError + alertDescription;

    /// <summary>True for codes in the CRYPTO_ERROR range 0x0100-0x01ff.</summary>
    public static bool IsCryptoError(this TransportErrorCode code) => ((ulong)code & ~0xFFUL) == 0x100;

    /// <summary>The TLS alert of a CRYPTO_ERROR code, or null for other codes.</summary>
    public static byte? GetTlsAlert(this TransportErrorCode code) =>
        code.IsCryptoError() ? (byte)((ulong)code & 0xFF) : null;
}
