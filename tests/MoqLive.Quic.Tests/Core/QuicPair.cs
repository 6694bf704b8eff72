using System.Net;
using MoqLive.Quic.Core;
using MoqLive.Quic.Packets;
using MoqLive.Quic.Tls;

namespace MoqLive.Quic.Tests.Core;

/// <summary>Properties of the simulated link between the client and the server (both directions).</summary>
internal sealed record LinkOptions
{
    /// <summary>One-way delay.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Probability that a datagram is dropped.</summary>
    public double Loss { get; init; }

    /// <summary>Probability that a datagram is delivered twice.</summary>
    public double Duplication { get; init; }

    /// <summary>Probability that a datagram is delayed by up to one extra latency (so it overtakes or is overtaken).</summary>
    public double Reordering { get; init; }

    /// <summary>Datagrams larger than this are dropped.</summary>
    public int Mtu { get; init; } = 1500;

    /// <summary>Bottleneck rate in bytes per second (0: unlimited). Datagrams queue behind each other.</summary>
    public long BytesPerSecond { get; init; }
}

/// <summary>
/// A client and a server connection core on a simulated link with a seeded RNG (after quinn's tests/util.rs
/// <c>Pair</c>): a fake clock jumps to the next delivery or timeout, and both sides are driven until a condition
/// holds or nothing is left to do, under a step limit.
/// </summary>
internal sealed class QuicPair
{
    private static readonly Lazy<TlsServerCertificate> s_certificate = new(() =>
        TlsServerCertificate.FromCertificate(SelfSignedCertificate.Create(DateTimeOffset.UtcNow)));

    private readonly Random _linkRng;
    private readonly PriorityQueue<(bool ToServer, byte[] Data, EndPoint Address), (long, long)> _inFlight = new();
    private readonly ConnectionOptions _serverOptions;
    private readonly byte[] _buffer = new byte[65536];
    private long _sequence;
    private Instant _toServerFree;
    private Instant _toClientFree;

    public QuicPair(int seed = 1, LinkOptions? link = null, ConnectionOptions? client = null, ConnectionOptions? server = null, string alpn = "moqt-19")
    {
        _linkRng = new Random(seed);
        Link = link ?? new LinkOptions();
        _serverOptions = (server ?? new ConnectionOptions()) with { Random = new Random(seed * 31 + 2) };
        var clientOptions = (client ?? new ConnectionOptions()) with { Random = new Random(seed * 31 + 1) };
        var tls = new TlsClientOptions
        {
            ServerName = "localhost",
            ApplicationProtocols = [alpn],
            CertificateValidation = TlsCertificateValidation.None,
        };
        ServerTls = new TlsServerOptions { Certificate = s_certificate.Value, ApplicationProtocols = ["moqt-19", "h3"] };
        Now = Instant.FromMilliseconds(1000);
        Client = Connection.CreateClient(clientOptions, tls, ServerAddress, Now);
    }

    public static EndPoint ClientAddress { get; } = new IPEndPoint(IPAddress.Parse("10.0.0.1"), 4433);

    public static EndPoint ServerAddress { get; } = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 443);

    public Instant Now { get; private set; }

    /// <summary>The client's current address (change it to simulate a NAT rebinding).</summary>
    public EndPoint CurrentClientAddress { get; set; } = ClientAddress;

    public LinkOptions Link { get; set; }

    public TlsServerOptions ServerTls { get; }

    public Connection Client { get; }

    public Connection? Server { get; private set; }

    /// <summary>When set, every datagram is offered to it first; returning true drops the datagram.</summary>
    public Func<bool, byte[], bool>? Interceptor { get; set; }

    public List<ConnectionEvent> ClientEvents { get; } = new();

    public List<ConnectionEvent> ServerEvents { get; } = new();

    public long Steps { get; private set; }

    /// <summary>Drives both sides until <paramref name="condition"/> holds. Fails on the step or time limit.</summary>
    public void DriveUntil(Func<bool> condition, int maxSteps = 1_000_000, TimeSpan? maxTime = null)
    {
        var deadline = Now + (maxTime ?? TimeSpan.FromMinutes(10));
        for (int step = 0; step < maxSteps; step++)
        {
            Steps++;
            if (condition()) return;
            if (!Step())
            {
                if (condition()) return;
                throw new InvalidOperationException($"idle at {Now} before the condition held");
            }
            if (Now > deadline) throw new TimeoutException($"condition not met by {Now}");
        }
        throw new InvalidOperationException($"step limit reached at {Now}");
    }

    /// <summary>Drives until nothing is in flight and neither side has anything to send before its idle timeout.</summary>
    public void DriveToIdle(int maxSteps = 1_000_000)
    {
        for (int step = 0; step < maxSteps; step++)
        {
            Steps++;
            if (!Step(stopAtIdleTimers: true)) return;
        }
        throw new InvalidOperationException($"step limit reached at {Now}");
    }

    /// <summary>Advances the clock by <paramref name="duration"/>, processing everything due on the way.</summary>
    public void Advance(TimeSpan duration)
    {
        var until = Now + duration;
        while (true)
        {
            Transmit();
            var next = NextEvent();
            if (next is null || next > until)
            {
                Now = until;
                FireTimers();
                Transmit();
                return;
            }
            Now = Instant.Max(Now, next.Value);
            Deliver();
            FireTimers();
        }
    }

    public void Handshake()
    {
        DriveUntil(() => Client.IsHandshakeConfirmed && Server is { IsHandshakeConfirmed: true });
        DrainEvents();
    }

    public void DrainEvents()
    {
        while (Client.TryPollEvent(out var e)) ClientEvents.Add(e);
        while (Server is not null && Server.TryPollEvent(out var e)) ServerEvents.Add(e);
    }

    // One step: send everything, deliver what is due, or jump to the next event. False when nothing is left.
    private bool Step(bool stopAtIdleTimers = false)
    {
        bool sent = Transmit();
        if (Deliver()) return true;
        if (sent) return true;
        var next = NextEvent(stopAtIdleTimers);
        if (next is null) return false;
        Now = Instant.Max(Now, next.Value);
        Deliver();
        FireTimers();
        DrainEvents();
        return true;
    }

    private Instant? NextEvent(bool ignoreIdleOnly = false)
    {
        Instant? t = null;
        if (_inFlight.TryPeek(out _, out var prio)) t = new Instant(prio.Item1);
        if (ignoreIdleOnly && t is null && _inFlight.Count == 0)
        {
            // Only timers left: stop if they are only idle/keep-alive timers far in the future.
            var c = Client.PollTimeout();
            var s = Server?.PollTimeout();
            var earliest = Instant.Earliest(c, s);
            if (earliest is null) return null;
            bool anyWork = Client.BytesInFlight > 0 || (Server?.BytesInFlight ?? 0) > 0 || Client.Loss.GetTimer(false) is not null && Client.Loss.AnyAckElicitingInFlight || Server is not null && Server.Loss.AnyAckElicitingInFlight;
            if (!anyWork && !(earliest - Now < TimeSpan.FromMilliseconds(200))) return null;
            return earliest;
        }
        t = Instant.Earliest(t, Client.PollTimeout());
        if (Server is not null) t = Instant.Earliest(t, Server.PollTimeout());
        return t;
    }

    private void FireTimers()
    {
        if (Client.PollTimeout() is { } ct && ct <= Now) Client.HandleTimeout(Now);
        if (Server?.PollTimeout() is { } st && st <= Now) Server.HandleTimeout(Now);
    }

    private bool Transmit()
    {
        bool any = false;
        for (int guard = 0; guard < 10_000 && Client.PollTransmit(Now, _buffer, out var t); guard++)
        {
            Send(true, _buffer.AsSpan(0, t.Size).ToArray(), CurrentClientAddress);
            any = true;
        }
        if (Server is not null)
        {
            for (int guard = 0; guard < 10_000 && Server.PollTransmit(Now, _buffer, out var t); guard++)
            {
                Send(false, _buffer.AsSpan(0, t.Size).ToArray(), t.Destination);
                any = true;
            }
        }
        return any;
    }

    private void Send(bool toServer, byte[] data, EndPoint address)
    {
        if (Interceptor?.Invoke(toServer, data) == true) return;
        if (data.Length > Link.Mtu) return;
        if (Link.Loss > 0 && _linkRng.NextDouble() < Link.Loss) return;
        var at = Now;
        if (Link.BytesPerSecond > 0)
        {
            // A FIFO bottleneck: serialization delay queues datagrams behind each other.
            ref var free = ref toServer ? ref _toServerFree : ref _toClientFree;
            var start = Instant.Max(free, Now);
            free = start + TimeSpan.FromSeconds((double)data.Length / Link.BytesPerSecond);
            at = free;
        }
        at += Link.Latency;
        if (Link.Reordering > 0 && _linkRng.NextDouble() < Link.Reordering)
        {
            at += TimeSpan.FromTicks((long)(Link.Latency.Ticks * _linkRng.NextDouble()));
        }
        _inFlight.Enqueue((toServer, data, address), (at.Ticks, _sequence++));
        if (Link.Duplication > 0 && _linkRng.NextDouble() < Link.Duplication)
        {
            _inFlight.Enqueue((toServer, data, address), (at.Ticks + 1, _sequence++));
        }
    }

    private bool Deliver()
    {
        bool any = false;
        while (_inFlight.TryPeek(out var d, out var prio) && prio.Item1 <= Now.Ticks)
        {
            _inFlight.Dequeue();
            any = true;
            if (d.ToServer)
            {
                if (Server is null)
                {
                    if (!PacketHeader.TryParse(d.Data, 8, out var h) || h.Type != PacketType.Initial) continue;
                    Server = Connection.CreateServer(_serverOptions, ServerTls, d.Address, h.DestinationConnectionId, h.SourceConnectionId, Now);
                }
                Server.HandleDatagram(Now, d.Address, d.Data);
            }
            else if (Equals(d.Address, CurrentClientAddress))
            {
                Client.HandleDatagram(Now, ServerAddress, d.Data);
            }
        }
        if (any) DrainEvents();
        return any;
    }
}
