namespace MoqLive.Http3.Frames;

/// <summary>HTTP/3 frame types (RFC 9114 §7.2, §11.2.1) plus WebTransport's bidirectional stream signal.</summary>
internal enum Http3FrameType : ulong
{
    /// <summary>DATA (§7.2.1): a request or response body chunk.</summary>
    Data = 0x00,

    /// <summary>HEADERS (§7.2.2): an encoded field section.</summary>
    Headers = 0x01,

    /// <summary>HTTP/2 PRIORITY, reserved (§7.2.8).</summary>
    ReservedHttp2Priority = 0x02,

    /// <summary>CANCEL_PUSH (§7.2.3).</summary>
    CancelPush = 0x03,

    /// <summary>SETTINGS (§7.2.4).</summary>
    Settings = 0x04,

    /// <summary>PUSH_PROMISE (§7.2.5).</summary>
    PushPromise = 0x05,

    /// <summary>HTTP/2 PING, reserved (§7.2.8).</summary>
    ReservedHttp2Ping = 0x06,

    /// <summary>GOAWAY (§7.2.6).</summary>
    GoAway = 0x07,

    /// <summary>HTTP/2 WINDOW_UPDATE, reserved (§7.2.8).</summary>
    ReservedHttp2WindowUpdate = 0x08,

    /// <summary>HTTP/2 CONTINUATION, reserved (§7.2.8).</summary>
    ReservedHttp2Continuation = 0x09,

    /// <summary>MAX_PUSH_ID (§7.2.7).</summary>
    MaxPushId = 0x0d,

    /// <summary>
    /// WEBTRANSPORT_STREAM (draft-ietf-webtrans-http3-02 §4.2): first on a bidirectional stream, followed by the
    /// session ID and then raw data instead of frames.
    /// </summary>
    WebTransportStream = 0x41,
}
