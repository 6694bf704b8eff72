namespace MoqLive.Http3.WebTransport;

/// <summary>The SETTINGS that enable WebTransport (NOTES.md §2, draft-02 §3.1, draft-07 §3.1, RFC 9220, RFC 9297).</summary>
public static class WebTransportSettings
{
    /// <summary>
    /// Server SETTINGS for Chromium: ENABLE_CONNECT_PROTOCOL=1, H3_DATAGRAM=1, ENABLE_WEBTRANSPORT (draft-02)=1 and
    /// WEBTRANSPORT_MAX_SESSIONS (draft-07)=<paramref name="maxSessions"/>.
    /// </summary>
    public static IReadOnlyDictionary<ulong, ulong> Server(ulong maxSessions = 16) => new Dictionary<ulong, ulong>
    {
        [Http3SettingId.EnableConnectProtocol] = 1,
        [Http3SettingId.H3Datagram] = 1,
        [Http3SettingId.EnableWebTransportDraft02] = 1,
        [Http3SettingId.WebTransportMaxSessionsDraft07] = maxSessions,
    };

    /// <summary>Client SETTINGS, as Chrome sends them: H3_DATAGRAM=1 and ENABLE_WEBTRANSPORT (draft-02)=1.</summary>
    public static IReadOnlyDictionary<ulong, ulong> Client() => new Dictionary<ulong, ulong>
    {
        [Http3SettingId.H3Datagram] = 1,
        [Http3SettingId.EnableWebTransportDraft02] = 1,
    };

    /// <summary>True when <paramref name="settings"/> enable HTTP/3 datagrams (SETTINGS_H3_DATAGRAM = 1, RFC 9297 §2.1.1).</summary>
    public static bool SupportsDatagrams(IReadOnlyDictionary<ulong, ulong> settings) =>
        settings.TryGetValue(Http3SettingId.H3Datagram, out ulong enabled) && enabled == 1;

    /// <summary>True when <paramref name="settings"/> offer WebTransport in either draft's form.</summary>
    public static bool SupportsWebTransport(IReadOnlyDictionary<ulong, ulong> settings) =>
        (settings.TryGetValue(Http3SettingId.EnableWebTransportDraft02, out ulong enabled) && enabled == 1)
        || (settings.TryGetValue(Http3SettingId.WebTransportMaxSessionsDraft07, out ulong sessions) && sessions > 0);
}
