namespace MoqLive.Http3;

/// <summary>
/// HTTP/3 application error codes (RFC 9114 §8.1), the QPACK error codes (RFC 9204 §6), the HTTP Datagram
/// error (RFC 9297 §5.2) and the WebTransport codes this stack uses. They travel in RESET_STREAM,
/// STOP_SENDING and CONNECTION_CLOSE (type 0x1d).
/// </summary>
public enum Http3ErrorCode : ulong
{
    /// <summary>H3_NO_ERROR: no error; used when closing or when a stream is no longer needed.</summary>
    NoError = 0x0100,

    /// <summary>H3_GENERAL_PROTOCOL_ERROR: a protocol error without a more specific code.</summary>
    GeneralProtocolError = 0x0101,

    /// <summary>H3_INTERNAL_ERROR: an internal error in the HTTP stack.</summary>
    InternalError = 0x0102,

    /// <summary>H3_STREAM_CREATION_ERROR: the peer created a stream that will not be accepted.</summary>
    StreamCreationError = 0x0103,

    /// <summary>H3_CLOSED_CRITICAL_STREAM: a stream required by the connection was closed or reset.</summary>
    ClosedCriticalStream = 0x0104,

    /// <summary>H3_FRAME_UNEXPECTED: a frame not permitted in the current state or on the current stream.</summary>
    FrameUnexpected = 0x0105,

    /// <summary>H3_FRAME_ERROR: a frame that fails its layout requirements or with an invalid size.</summary>
    FrameError = 0x0106,

    /// <summary>H3_EXCESSIVE_LOAD: the peer is generating excessive load.</summary>
    ExcessiveLoad = 0x0107,

    /// <summary>H3_ID_ERROR: a stream ID or push ID was used incorrectly.</summary>
    IdError = 0x0108,

    /// <summary>H3_SETTINGS_ERROR: an error in the payload of a SETTINGS frame.</summary>
    SettingsError = 0x0109,

    /// <summary>H3_MISSING_SETTINGS: no SETTINGS frame at the beginning of the control stream.</summary>
    MissingSettings = 0x010a,

    /// <summary>H3_REQUEST_REJECTED: the server rejected a request without any application processing.</summary>
    RequestRejected = 0x010b,

    /// <summary>H3_REQUEST_CANCELLED: the request or its response is cancelled.</summary>
    RequestCancelled = 0x010c,

    /// <summary>H3_REQUEST_INCOMPLETE: the client's stream terminated without a fully formed request.</summary>
    RequestIncomplete = 0x010d,

    /// <summary>H3_MESSAGE_ERROR: an HTTP message was malformed and cannot be processed.</summary>
    MessageError = 0x010e,

    /// <summary>H3_CONNECT_ERROR: the TCP connection of a CONNECT request was reset or abnormally closed.</summary>
    ConnectError = 0x010f,

    /// <summary>H3_VERSION_FALLBACK: the requested operation cannot be served over HTTP/3.</summary>
    VersionFallback = 0x0110,

    /// <summary>QPACK_DECOMPRESSION_FAILED (RFC 9204 §6): an encoded field section could not be interpreted.</summary>
    QPackDecompressionFailed = 0x0200,

    /// <summary>QPACK_ENCODER_STREAM_ERROR (RFC 9204 §6): an encoder instruction could not be interpreted.</summary>
    QPackEncoderStreamError = 0x0201,

    /// <summary>QPACK_DECODER_STREAM_ERROR (RFC 9204 §6): a decoder instruction could not be interpreted.</summary>
    QPackDecoderStreamError = 0x0202,

    /// <summary>H3_DATAGRAM_ERROR (RFC 9297 §5.2): a datagram or capsule was malformed.</summary>
    DatagramError = 0x33,
}
