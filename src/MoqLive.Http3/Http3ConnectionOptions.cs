using Microsoft.Extensions.Logging;

namespace MoqLive.Http3;

/// <summary>Options for an <see cref="Http3Connection"/>; immutable, change with <c>with</c>.</summary>
public sealed record Http3ConnectionOptions
{
    /// <summary>The options used when none are given.</summary>
    public static Http3ConnectionOptions Default { get; } = new();

    /// <summary>
    /// Largest field section we accept, advertised as SETTINGS_MAX_FIELD_SECTION_SIZE (RFC 9114 §4.2.2):
    /// name and value lengths plus 32 per field. Default: 64 KiB.
    /// </summary>
    public long MaxFieldSectionSize { get; init; } = 64 * 1024;

    /// <summary>
    /// Extra SETTINGS parameters to send after ours (e.g. WebTransport's 0x08, 0x33, 0x2b603742, 0xc671706a).
    /// Must not repeat an identifier we send (0x01, 0x06, 0x07) nor use a reserved HTTP/2 identifier. Default: none.
    /// </summary>
    public IReadOnlyDictionary<ulong, ulong> AdditionalSettings { get; init; } = new Dictionary<ulong, ulong>();

    /// <summary>Whether to add one GREASE setting (RFC 9114 §7.2.4.1: endpoints SHOULD). Default: true.</summary>
    public bool SendGreaseSetting { get; init; } = true;

    /// <summary>Largest frame accepted on the control stream (SETTINGS, GOAWAY, ...). Default: 16 KiB.</summary>
    public int MaxControlFrameSize { get; init; } = 16 * 1024;

    /// <summary>
    /// Received datagrams each WebTransport session keeps until the application takes them. When full, the oldest is
    /// dropped (RFC 9221 §5: datagrams are unreliable; for live media the newest matter most) and counted in
    /// <see cref="WebTransport.WebTransportSession.DatagramsDropped"/>. Default: 256, a quarter second of 1000-byte
    /// datagrams at 8 Mbit/s.
    /// </summary>
    public int WebTransportDatagramQueueCapacity { get; init; } = 256;

    /// <summary>
    /// Server only: once every request and WebTransport session of the connection has ended and none started for this
    /// long, the server sends GOAWAY and closes the connection with H3_NO_ERROR (RFC 9114 §5.1 permits closing idle
    /// connections, §5.2 the GOAWAY first). Chromium drops a WebTransport session's connection without a CONNECTION_CLOSE
    /// when the page closes the session, so without this such a connection, and its retransmissions to a peer that is
    /// gone, last until the QUIC idle timeout. Default: <see cref="Timeout.InfiniteTimeSpan"/> (never).
    /// </summary>
    public TimeSpan IdleCloseDelay { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>The clock of <see cref="IdleCloseDelay"/>; default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Logger factory; default: no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxFieldSectionSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxControlFrameSize, 64);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(WebTransportDatagramQueueCapacity);
        ArgumentNullException.ThrowIfNull(AdditionalSettings);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        if (IdleCloseDelay != Timeout.InfiniteTimeSpan)
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleCloseDelay, TimeSpan.Zero);
        foreach (ulong id in AdditionalSettings.Keys)
        {
            if (id is Http3SettingId.QPackMaxTableCapacity or Http3SettingId.MaxFieldSectionSize or Http3SettingId.QPackBlockedStreams
                || Http3SettingId.IsReservedHttp2Setting(id))
            {
                throw new ArgumentException($"Setting 0x{id:x} is managed by the connection or reserved.", nameof(AdditionalSettings));
            }
        }
    }
}
