namespace MoqLive.Http3;

/// <summary>SETTINGS parameter identifiers this stack knows (RFC 9114 §7.2.4.1, §11.2.2 and extensions).</summary>
public static class Http3SettingId
{
    /// <summary>SETTINGS_QPACK_MAX_TABLE_CAPACITY (RFC 9204 §5); we advertise 0.</summary>
    public const ulong QPackMaxTableCapacity = 0x01;

    /// <summary>SETTINGS_MAX_FIELD_SECTION_SIZE (RFC 9114 §7.2.4.1).</summary>
    public const ulong MaxFieldSectionSize = 0x06;

    /// <summary>SETTINGS_QPACK_BLOCKED_STREAMS (RFC 9204 §5); we advertise 0.</summary>
    public const ulong QPackBlockedStreams = 0x07;

    /// <summary>SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 9220 §3): extended CONNECT.</summary>
    public const ulong EnableConnectProtocol = 0x08;

    /// <summary>SETTINGS_H3_DATAGRAM (RFC 9297 §2.1.1).</summary>
    public const ulong H3Datagram = 0x33;

    /// <summary>SETTINGS_ENABLE_WEBTRANSPORT (draft-ietf-webtrans-http3-02 §3.1), what Chromium checks by default.</summary>
    public const ulong EnableWebTransportDraft02 = 0x2b603742;

    /// <summary>SETTINGS_WEBTRANSPORT_MAX_SESSIONS (draft-ietf-webtrans-http3-07 §3.1).</summary>
    public const ulong WebTransportMaxSessionsDraft07 = 0xc671706a;

    /// <summary>
    /// True for identifiers RFC 9114 §7.2.4.1 reserves because HTTP/2 defined them without an HTTP/3
    /// counterpart (0x00, 0x02–0x05); receiving one is H3_SETTINGS_ERROR.
    /// </summary>
    public static bool IsReservedHttp2Setting(ulong id) => id is 0x00 or (>= 0x02 and <= 0x05);

    /// <summary>True for the GREASE identifiers 0x1f * N + 0x21 (RFC 9114 §7.2.4.1).</summary>
    public static bool IsGrease(ulong id) => id >= 0x21 && (id - 0x21) % 0x1f == 0;
}
