namespace MoqLive.Http3;

/// <summary>Unidirectional stream types (RFC 9114 §6.2, RFC 9204 §4.2, draft-ietf-webtrans-http3-02 §4.1).</summary>
internal enum Http3StreamType : ulong
{
    /// <summary>Control stream (§6.2.1).</summary>
    Control = 0x00,

    /// <summary>Push stream (§6.2.2), followed by the push ID.</summary>
    Push = 0x01,

    /// <summary>QPACK encoder stream (RFC 9204 §4.2).</summary>
    QPackEncoder = 0x02,

    /// <summary>QPACK decoder stream (RFC 9204 §4.2).</summary>
    QPackDecoder = 0x03,

    /// <summary>WebTransport unidirectional stream (draft-02 §4.1), followed by the session ID.</summary>
    WebTransport = 0x54,
}
