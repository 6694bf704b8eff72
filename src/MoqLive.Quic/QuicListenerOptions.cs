using System.Net;
using Microsoft.Extensions.Logging;
using MoqLive.Quic.Core;
using MoqLive.Quic.Tls;

namespace MoqLive.Quic;

/// <summary>Settings of a <see cref="QuicListener"/>.</summary>
public sealed class QuicListenerOptions
{
    /// <summary>Address and port to listen on. Required. <see cref="IPAddress.IPv6Any"/> listens dual-mode; port 0 picks a free port.</summary>
    public IPEndPoint? ListenEndPoint { get; set; }

    /// <summary>ALPN protocols accepted, in preference order (e.g. "h3", "moqt-19"). Required, at least one.</summary>
    public IList<string> ApplicationProtocols { get; set; } = [];

    /// <summary>The server certificate and key. Required.</summary>
    public TlsServerCertificate? ServerCertificate { get; set; }

    /// <summary>Transport settings of accepted connections. Default null: <see cref="QuicDefaults.ConnectionOptions"/>.</summary>
    public ConnectionOptions? ConnectionOptions { get; set; }

    /// <summary>Established connections not yet accepted. Default <see cref="QuicDefaults.ListenBacklog"/>.</summary>
    public int ListenBacklog { get; set; } = QuicDefaults.ListenBacklog;

    /// <summary>Time a client's handshake may take before the server abandons it. Default <see cref="QuicDefaults.HandshakeTimeout"/>.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = QuicDefaults.HandshakeTimeout;

    /// <summary>
    /// Validate every client's address with a Retry round trip before keeping any state for it (RFC 9000 §8.1.2):
    /// the server answers a client's first Initial with a Retry carrying an authenticated, expiring token bound to the
    /// client's address and original Destination Connection ID, and creates the connection only when the client echoes
    /// it. Protects against spoofed-source floods and lifts the 3x amplification limit early; costs one round trip.
    /// Default false.
    /// </summary>
    public bool RequireRetry { get; set; }

    /// <summary>Clock for timers. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Logging. Default null: no logs.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Receives TLS secrets as NSS key log lines for Wireshark (debugging only). Default null.</summary>
    public Action<string>? KeyLog { get; set; }

    internal void Validate()
    {
        if (ListenEndPoint is null)
            throw new ArgumentException("QuicListenerOptions.ListenEndPoint is required.", nameof(ListenEndPoint));
        if (ServerCertificate is null)
            throw new ArgumentException("QuicListenerOptions.ServerCertificate is required.", nameof(ServerCertificate));
        if (ApplicationProtocols.Count == 0)
            throw new ArgumentException("QuicListenerOptions.ApplicationProtocols needs at least one protocol.", nameof(ApplicationProtocols));
        ArgumentOutOfRangeException.ThrowIfLessThan(ListenBacklog, 1, nameof(ListenBacklog));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HandshakeTimeout, TimeSpan.Zero, nameof(HandshakeTimeout));
    }
}
