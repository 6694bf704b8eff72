using System.Globalization;
using System.Net;
using MoqLive.Quic.Congestion;
using MoqLive.Quic.Crypto;
using MoqLive.Quic.Packets;
using MoqLive.Quic.Recovery;
using MoqLive.Quic.Streams;
using MoqLive.Quic.Tls;
using MoqLive.Quic.TransportParameters;

namespace MoqLive.Quic.Core;

/// <summary>
/// The sans-IO QUIC v1 connection state machine (in the style of quinn-proto's <c>Connection</c>): it never touches
/// sockets or clocks and is fully deterministic given its inputs.
/// </summary>
/// <remarks>
/// How to drive it:
/// <list type="bullet">
/// <item>Feed every UDP datagram from the peer to <see cref="HandleDatagram"/> and call <see cref="HandleTimeout"/>
/// when the instant from <see cref="PollTimeout"/> passes.</item>
/// <item>After any input or application command, call <see cref="PollTransmit(Instant, Span{byte}, out Transmit)"/>
/// until it returns false and send each datagram; then re-arm the timer with <see cref="PollTimeout"/>; then drain
/// <see cref="TryPollEvent"/>.</item>
/// <item>Application commands (streams, datagrams, close, key update) take effect on the next transmit.</item>
/// </list>
/// Transport errors in peer input (<see cref="QuicProtocolException"/>, TLS alerts) are caught here and turned into
/// CONNECTION_CLOSE; they never escape to the caller.
/// </remarks>
internal sealed partial class Connection
{
    private readonly ConnectionOptions _options;
    private readonly PacketSpaceState[] _spaces = [new(PacketSpace.Initial), new(PacketSpace.Handshake), new(PacketSpace.ApplicationData)];
    private readonly LossDetection _loss;
    private Pacer _pacer;
    private readonly TlsSession _tls;
    private readonly Queue<ConnectionEvent> _events = new();
    private readonly Random? _rng; // null: RandomNumberGenerator (see ConnectionOptions.Random)
    private EndPoint _remote;
    private Instant _idleDeadline;
    private TimeSpan _idleTimeout;
    private Instant? _closeDeadline;
    private Instant? _pacingDeadline;
    private Instant? _keepAliveDeadline;
    private Instant? _handshakeDeadline;
    private TimeSpan _handshakeTimeout;
    private QuicTransportParameters? _peerParameters;
    private ConnectionCloseInfo? _closeInfo;
    private bool _closeFramePending;
    private bool _handshakeDonePending;
    private bool _connectedReported;
    private ulong _bytesReceived;  // from the peer before its address was validated (server)
    private ulong _bytesSent;
    private bool _addressValidated;
    private ulong _peerAckDelayExponent = 3;
    private ulong _peerMaxDatagramFrameSize;
    private int _maxUdpPayload;
    // The payload size before path MTU discovery raised it (ours, capped by the peer's max_udp_payload_size).
    private int _baseUdpPayload;
    private MtuDiscovery? _mtu;

    private Connection(bool isServer, ConnectionOptions options, Random? rng, TlsSession tls, EndPoint remote, Instant now)
    {
        IsServer = isServer;
        _options = options;
        _rng = rng;
        _tls = tls;
        _remote = remote;
        _maxUdpPayload = options.MaxUdpPayloadSize;
        _baseUdpPayload = _maxUdpPayload;
        _mtu = NewMtuDiscovery();
        _loss = new LossDetection(isServer, NewCongestionController(), options.InitialRtt, options.RandomLossTolerance);
        _pacer = new Pacer(_maxUdpPayload);
        Streams = new StreamsState(isServer, options.Streams);
        _spaces[(int)PacketSpace.ApplicationData].ReceivedPackets.MaxAckDelay = options.MaxAckDelay;
        _spaces[(int)PacketSpace.ApplicationData].ReceivedPackets.AckElicitingThreshold = options.AckElicitingThreshold;
        _idleTimeout = options.IdleTimeout;
        _idleDeadline = now + HandshakeIdleTimeout;
        _addressValidated = !isServer;
    }

    /// <summary>True for the server role.</summary>
    public bool IsServer { get; }

    public ConnectionState State { get; private set; } = ConnectionState.Handshaking;

    /// <summary>The peer's address.</summary>
    public EndPoint RemoteAddress => _remote;

    /// <summary>The negotiated ALPN protocol, once known.</summary>
    public string? ApplicationProtocol => _tls.ApplicationProtocol;

    public bool IsHandshakeComplete => _tls.IsHandshakeComplete;

    public bool IsHandshakeConfirmed => _loss.HandshakeConfirmed;

    /// <summary>Why the connection ended, once it did.</summary>
    public ConnectionCloseInfo? CloseInfo => _closeInfo;

    /// <summary>Smoothed RTT estimate.</summary>
    public TimeSpan Rtt => _loss.Rtt.Smoothed;

    public ulong CongestionWindow => _loss.Congestion.Window;

    public ulong BytesInFlight => _loss.BytesInFlight;

    /// <summary>Largest UDP payload sent now: the configured size, raised by path MTU discovery.</summary>
    public int MaxUdpPayloadSize => _maxUdpPayload;

    /// <summary>Statistics for tests and diagnostics.</summary>
    public ConnectionStats Stats { get; } = new();

    internal StreamsState Streams { get; }

    internal LossDetection Loss => _loss;

    private ICongestionController NewCongestionController() => _options.CongestionControl == CongestionControlAlgorithm.NewReno
        ? new NewReno(_maxUdpPayload)
        : new Cubic(_maxUdpPayload);

    private TimeSpan HandshakeIdleTimeout => _options.IdleTimeout > TimeSpan.Zero ? _options.IdleTimeout : TimeSpan.FromSeconds(30);

    /// <summary>Creates a client connection; its first flight is ready for <see cref="PollTransmit(Instant, Span{byte}, out Transmit)"/>.</summary>
    public static Connection CreateClient(ConnectionOptions options, TlsClientOptions tlsOptions, EndPoint remote, Instant now)
    {
        var rng = NewRandom(options);
        var dcid = RandomConnectionId(rng, Math.Max(8, options.ConnectionIdLength));
        var scid = RandomConnectionId(rng, options.ConnectionIdLength);
        var parameters = LocalParameters(options, scid, originalDcid: null, resetToken: null);
        var tls = TlsSession.CreateClient(tlsOptions, TransportParametersCodec.Encode(parameters));
        var c = new Connection(false, options, rng, tls, remote, now);
        c.InitConnectionIds(scid, dcid, originalDcid: dcid);
        c._spaces[(int)PacketSpace.Initial].Keys = QuicKeyDerivation.InitialKeys(dcid.Span, isServer: false);
        c.DriveTls(now);
        return c;
    }

    /// <summary>
    /// Creates a server connection for a client's first Initial packet, whose Destination and Source Connection IDs
    /// are <paramref name="originalDestination"/> and <paramref name="clientSource"/>. Then pass that datagram to
    /// <see cref="HandleDatagram"/>.
    /// </summary>
    public static Connection CreateServer(
        ConnectionOptions options, TlsServerOptions tlsOptions, EndPoint remote, ConnectionId originalDestination, ConnectionId clientSource, Instant now) =>
        CreateServer(options, tlsOptions, remote, originalDestination, clientSource, now, retrySource: null);

    /// <summary>
    /// Creates a server connection for an Initial that carried a valid Retry token: <paramref name="retrySource"/> is
    /// the connection ID the Retry chose (the Initial's Destination Connection ID, from which Initial keys derive) and
    /// <paramref name="originalDestination"/> the one of the client's very first Initial. The address counts as validated.
    /// <paramref name="initialKeys"/> are the Initial keys when the caller already derived them (the endpoint does, to
    /// open the first packet before it creates a connection); the connection owns them from then on. Null: derived here.
    /// </summary>
    public static Connection CreateServer(
        ConnectionOptions options, TlsServerOptions tlsOptions, EndPoint remote, ConnectionId originalDestination, ConnectionId clientSource,
        Instant now, ConnectionId? retrySource, LevelKeys? initialKeys = null)
    {
        var rng = NewRandom(options);
        var scid = RandomConnectionId(rng, options.ConnectionIdLength);
        var token = options.ResetTokenGenerator?.Invoke(scid) ?? RandomResetToken(rng);
        var parameters = LocalParameters(options, scid, originalDestination, token) with { RetrySourceConnectionId = retrySource };
        var tls = TlsSession.CreateServer(tlsOptions, TransportParametersCodec.Encode(parameters));
        var c = new Connection(true, options, rng, tls, remote, now);
        c.InitConnectionIds(scid, clientSource, originalDcid: retrySource ?? originalDestination);
        c._localCids[0] = (scid, token);
        c._spaces[(int)PacketSpace.Initial].Keys = initialKeys ?? QuicKeyDerivation.InitialKeys((retrySource ?? originalDestination).Span, isServer: true);
        if (retrySource is not null) c._addressValidated = true; // RFC 9000 §8.1.2: a valid Retry token validates the address
        return c;
    }

    private static QuicTransportParameters LocalParameters(ConnectionOptions o, ConnectionId scid, ConnectionId? originalDcid, StatelessResetToken? resetToken) => new()
    {
        OriginalDestinationConnectionId = originalDcid,
        InitialSourceConnectionId = scid,
        StatelessResetToken = resetToken,
        MaxIdleTimeoutMilliseconds = (ulong)o.IdleTimeout.TotalMilliseconds,
        MaxUdpPayloadSize = (ulong)Math.Max(1200, Math.Max(o.MaxUdpPayloadSize, o.MtuDiscoveryUpperBound)),
        InitialMaxData = o.ConnectionReceiveWindow,
        InitialMaxStreamDataBidiLocal = o.StreamReceiveWindow,
        InitialMaxStreamDataBidiRemote = o.StreamReceiveWindow,
        InitialMaxStreamDataUni = o.StreamReceiveWindow,
        InitialMaxStreamsBidi = o.MaxIncomingBidiStreams,
        InitialMaxStreamsUni = o.MaxIncomingUniStreams,
        AckDelayExponent = (ulong)o.AckDelayExponent,
        MaxAckDelayMilliseconds = (ulong)o.MaxAckDelay.TotalMilliseconds,
        ActiveConnectionIdLimit = (ulong)Math.Max(2, o.ActiveConnectionIdLimit),
        MaxDatagramFrameSize = o.MaxDatagramFrameSize > 0 ? (ulong)o.MaxDatagramFrameSize : null,
        MinAckDelayMicroseconds = o.MinAckDelay is { } min ? (ulong)Math.Min(min.Ticks / 10, (long)o.MaxAckDelay.TotalMilliseconds * 1000) : null,
    };

    /// <summary>
    /// Gives up on the handshake if it has not completed <paramref name="timeout"/> after <paramref name="now"/>: the
    /// connection then closes (CONNECTION_CLOSE with NO_ERROR) with <see cref="CloseOrigin.HandshakeTimeout"/>. Without it a
    /// stalled handshake lasts the idle timeout. One more deadline for <see cref="PollTimeout"/>, so the driver's own timer
    /// serves it (no timer per connection).
    /// </summary>
    public void SetHandshakeTimeout(Instant now, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _handshakeTimeout = timeout;
        _handshakeDeadline = now + timeout;
    }

    /// <summary>Takes the next event; false when there is none.</summary>
    public bool TryPollEvent(out ConnectionEvent ev)
    {
        while (Streams.TryPollEvent(out var se)) _events.Enqueue(new ConnectionEvent(ConnectionEventKind.Stream, se));
        return _events.TryDequeue(out ev);
    }

    /// <summary>The next instant at which <see cref="HandleTimeout"/> must be called, or null when no timer is armed.</summary>
    public Instant? PollTimeout()
    {
        if (State == ConnectionState.Drained) return null;
        if (State is ConnectionState.Closing or ConnectionState.Draining) return _closeDeadline;
        Instant? t = _idleDeadline;
        if (State == ConnectionState.Handshaking) t = Instant.Earliest(t, _handshakeDeadline);
        t = Instant.Earliest(t, _loss.GetTimer(AmplificationBlocked));
        foreach (var s in _spaces)
        {
            if (s.Keys is not null && !s.Discarded && s.ReceivedPackets.AckDeadline is { } d) t = Instant.Earliest(t, d);
        }
        t = Instant.Earliest(t, _pacingDeadline);
        if (_loss.HandshakeConfirmed) t = Instant.Earliest(t, _keepAliveDeadline);
        return t;
    }

    /// <summary>Handles expired timers: loss detection/PTO, delayed ACKs, idle timeout, end of closing/draining.</summary>
    public void HandleTimeout(Instant now)
    {
        if (State == ConnectionState.Drained) return;
        if (State is ConnectionState.Closing or ConnectionState.Draining)
        {
            if (_closeDeadline is { } d && now >= d) SetDrained();
            return;
        }
        if (State == ConnectionState.Handshaking && _handshakeDeadline is { } h && now >= h)
        {
            _closeInfo = new ConnectionCloseInfo(CloseOrigin.HandshakeTimeout, false, (ulong)TransportErrorCode.NoError, 0,
                string.Create(CultureInfo.InvariantCulture, $"the handshake did not complete within {_handshakeTimeout.TotalSeconds:0.###} s"));
            EnterClosing(now);
            return;
        }
        if (now >= _idleDeadline)
        {
            _closeInfo = new ConnectionCloseInfo(CloseOrigin.IdleTimeout, false, 0, 0, "idle timeout");
            _events.Enqueue(new ConnectionEvent(ConnectionEventKind.ConnectionLost, Close: _closeInfo));
            SetDrained();
            return;
        }
        if (_pacingDeadline is { } p && now >= p) _pacingDeadline = null;
        if (_loss.HandshakeConfirmed && _keepAliveDeadline is { } k && now >= k)
        {
            // RFC 9000 §10.1.2: an ack-eliciting PING keeps both peers' idle timers from expiring.
            _spaces[(int)PacketSpace.ApplicationData].PingPending = true;
            _keepAliveDeadline = now + KeepAliveInterval();
        }
        if (_loss.GetTimer(AmplificationBlocked) is { } lt && now >= lt)
        {
            var outcome = _loss.OnTimeout(now);
            if (outcome.Lost is { } lost)
            {
                foreach (var packet in lost) OnPacketLost(outcome.Space, packet);
                if (outcome.Space == PacketSpace.ApplicationData) OnMtuLossEvent(null, lost);
            }
            if (outcome.ProbesToSend > 0)
            {
                Stats.PtoCount++;
                OnMtuPto();
                var space = _spaces[(int)outcome.Space];
                if (space.Keys is null || space.Discarded) space = _spaces[(int)HighestSpaceWithKeys()];
                space.ProbesOwed = outcome.ProbesToSend;
                // Probes carry the oldest unacknowledged data again so a fully lost flight recovers in one PTO.
                int requeued = 0;
                foreach (var packet in _loss.Outstanding(outcome.Space))
                {
                    if (!packet.AckEliciting) continue;
                    RequeueFrames(outcome.Space, packet.Frames);
                    if (++requeued == 2) break;
                }
            }
        }
    }

    /// <summary>
    /// Closes the connection with an application error code (CONNECTION_CLOSE 0x1d, or 0x1c APPLICATION_ERROR before
    /// the handshake completed). Streams stop at once; the connection lingers in the closing state for 3 PTOs.
    /// </summary>
    public void Close(Instant now, ulong errorCode, string reason)
    {
        if (State is ConnectionState.Closing or ConnectionState.Draining or ConnectionState.Drained) return;
        _closeInfo = new ConnectionCloseInfo(CloseOrigin.Local, true, errorCode, 0, reason);
        EnterClosing(now);
    }

    private void CloseWithTransportError(Instant now, TransportErrorCode code, ulong? frameType, string reason)
    {
        if (State is ConnectionState.Closing or ConnectionState.Draining or ConnectionState.Drained) return;
        Stats.LocalTransportError = code;
        _closeInfo = new ConnectionCloseInfo(CloseOrigin.Local, false, (ulong)code, frameType ?? 0, reason);
        EnterClosing(now);
    }

    /// <summary>
    /// Closing and draining end on a multiple of this (in the endpoint's clock), so that the ends of many connections'
    /// closing periods share one timer expiry instead of waking the driver once per connection.
    /// </summary>
    internal static readonly TimeSpan CloseTimerGranularity = TimeSpan.FromMilliseconds(64);

    // RFC 9000 §10.2: the closing and draining states SHOULD last at least three times the current PTO; rounded up to
    // CloseTimerGranularity. The PTO without its backoff: the backoff grows while a peer stops acknowledging, and a peer
    // that vanished would otherwise keep a closing connection, and the endpoint's socket with it, for minutes (a server
    // restarted on its port waited that long).
    private Instant CloseDeadline(Instant now)
    {
        long end = (now + _loss.Pto(includeBackoff: false) * 3).Ticks;
        long granularity = CloseTimerGranularity.Ticks;
        return new Instant((end + granularity - 1) / granularity * granularity);
    }

    private void EnterClosing(Instant now)
    {
        State = ConnectionState.Closing;
        _closeFramePending = true;
        _closeDeadline = CloseDeadline(now);
        _events.Enqueue(new ConnectionEvent(ConnectionEventKind.ConnectionLost, Close: _closeInfo));
        Streams.ReleaseSendBuffers();
    }

    private void EnterDraining(Instant now, ConnectionCloseInfo info)
    {
        if (State is ConnectionState.Draining or ConnectionState.Drained) return;
        bool wasClosing = State == ConnectionState.Closing;
        State = ConnectionState.Draining;
        Streams.ReleaseSendBuffers();
        _closeFramePending = false;
        _closeDeadline = CloseDeadline(now);
        if (!wasClosing)
        {
            _closeInfo = info;
            _events.Enqueue(new ConnectionEvent(ConnectionEventKind.ConnectionLost, Close: info));
        }
    }

    private void SetDrained()
    {
        if (State == ConnectionState.Drained) return;
        State = ConnectionState.Drained;
        Streams.ReleaseSendBuffers();
        DisposeKeys();
        _routingVersion++;
        _events.Enqueue(new ConnectionEvent(ConnectionEventKind.Drained));
    }

    /// <summary>RFC 9000 §8.1: before validating the client's address a server sends at most 3x what it received.</summary>
    private bool AmplificationBlocked => IsServer && !_addressValidated && _bytesSent + 1200 > 3 * _bytesReceived;

    private ulong AmplificationBudget => IsServer && !_addressValidated
        ? (3 * _bytesReceived > _bytesSent ? 3 * _bytesReceived - _bytesSent : 0)
        : ulong.MaxValue;

    private PacketSpace HighestSpaceWithKeys()
    {
        for (int i = 2; i >= 0; i--)
        {
            if (_spaces[i].Keys is not null && !_spaces[i].Discarded) return (PacketSpace)i;
        }
        return PacketSpace.Initial;
    }

    private void ResetIdleTimer(Instant now)
    {
        // RFC 9000 §10.1: at least 3 PTOs so a few losses do not end the connection.
        var timeout = _idleTimeout > TimeSpan.Zero ? _idleTimeout : TimeSpan.FromDays(3650);
        var minimum = _loss.Pto() * 3;
        _idleDeadline = now + (timeout > minimum ? timeout : minimum);
        if (_options.KeepAliveInterval > TimeSpan.Zero) _keepAliveDeadline = now + KeepAliveInterval();
    }

    private TimeSpan KeepAliveInterval()
    {
        var half = _idleTimeout / 2;
        return _idleTimeout > TimeSpan.Zero && half < _options.KeepAliveInterval ? half : _options.KeepAliveInterval;
    }

    /// <summary>
    /// This connection's own generator, seeded from the shared one in <see cref="ConnectionOptions.Random"/> (under
    /// its lock: endpoints on different threads may create connections from the same options); null for none.
    /// </summary>
    private static Random? NewRandom(ConnectionOptions options)
    {
        if (options.Random is not { } shared) return null;
        lock (shared) return new Random(shared.Next());
    }

    private static void FillRandom(Random? rng, Span<byte> destination)
    {
        if (rng is null) System.Security.Cryptography.RandomNumberGenerator.Fill(destination);
        else rng.NextBytes(destination);
    }

    private static ConnectionId RandomConnectionId(Random? rng, int length)
    {
        Span<byte> b = stackalloc byte[length];
        FillRandom(rng, b);
        return new ConnectionId(b);
    }

    private static StatelessResetToken RandomResetToken(Random? rng)
    {
        Span<byte> b = stackalloc byte[StatelessResetToken.Length];
        FillRandom(rng, b);
        return new StatelessResetToken(b);
    }
}
