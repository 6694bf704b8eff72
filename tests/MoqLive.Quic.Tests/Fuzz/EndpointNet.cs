using System.Net;
using MoqLive.Quic.Core;
using MoqLive.Quic.Tls;

namespace MoqLive.Quic.Tests.Fuzz;

/// <summary>
/// A server <see cref="Endpoint"/> and client endpoints (one per address) on a simulated link with a fixed latency
/// and a fake clock that jumps to the next delivery or timer. Datagrams the server sends to addresses with no client
/// endpoint (an attacker's) are kept in <see cref="Stray"/>. Deterministic: no threads, no real time.
/// </summary>
internal sealed class EndpointNet
{
    public static readonly IPEndPoint ServerAddress = new(IPAddress.Parse("10.0.0.2"), 443);
    public static readonly IPEndPoint ClientAddress = new(IPAddress.Parse("10.0.0.1"), 5000);

    private static readonly Lazy<TlsServerCertificate> s_certificate = new(() =>
        TlsServerCertificate.FromCertificate(SelfSignedCertificate.Create(DateTimeOffset.UtcNow)));

    private readonly Dictionary<EndPoint, Endpoint> _clients = new();
    private readonly PriorityQueue<(EndPoint From, EndPoint To, byte[] Data), (long, long)> _inFlight = new();
    private readonly byte[] _buffer = new byte[65536];
    private long _sequence;

    public EndpointNet(EndpointOptions? server = null, int seed = 1)
    {
        StatelessResetKey = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();
        Server = new Endpoint((server ?? new EndpointOptions()) with
        {
            Server = new TlsServerOptions { Certificate = s_certificate.Value, ApplicationProtocols = ["moqt-19"] },
            Connection = (server?.Connection ?? new ConnectionOptions()) with { Random = new Random(seed * 31 + 2) },
            StatelessResetKey = StatelessResetKey,
        });
        Seed = seed;
    }

    public int Seed { get; }

    public byte[] StatelessResetKey { get; }

    public Endpoint Server { get; }

    public Instant Now { get; private set; } = Instant.FromMilliseconds(1000);

    public TimeSpan Latency { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Server connections taken from the accept queue, in order.</summary>
    public List<Connection> Accepted { get; } = new();

    /// <summary>Datagrams sent to addresses where no endpoint listens.</summary>
    public List<(EndPoint To, byte[] Data)> Stray { get; } = new();

    /// <summary>Sees every datagram delivered between the client endpoints and the server (after the fact).</summary>
    public Action<bool, byte[]>? Observer { get; set; }

    /// <summary>Connects a client from <paramref name="address"/> (its own endpoint, created on first use).</summary>
    public Connection Connect(EndPoint? address = null, ConnectionOptions? options = null, Action<string>? keyLog = null)
    {
        address ??= ClientAddress;
        if (!_clients.TryGetValue(address, out var endpoint))
        {
            endpoint = new Endpoint(new EndpointOptions
            {
                Connection = (options ?? new ConnectionOptions()) with { Random = new Random(Seed * 31 + 100 + _clients.Count) },
            });
            _clients[address] = endpoint;
        }
        var tls = new TlsClientOptions
        {
            ServerName = "localhost",
            ApplicationProtocols = ["moqt-19"],
            CertificateValidation = TlsCertificateValidation.None,
            CipherSuitesOverride = [(ushort)MoqLive.Quic.Crypto.CipherSuite.Aes128GcmSha256],
            KeyLog = keyLog,
        };
        return endpoint.Connect(Now, ServerAddress, tls);
    }

    /// <summary>Delivers a datagram to the server endpoint now, as if from <paramref name="from"/>; returns what the server answered at once.</summary>
    public List<byte[]> InjectToServer(EndPoint from, ReadOnlySpan<byte> datagram)
    {
        var c = Server.HandleDatagram(Now, from, datagram);
        AcceptAll();
        var answers = FlushServerAnswers();
        if (c is not null) FlushConnection(Server, c, ServerAddress);
        return answers;
    }

    // Sends the server endpoint's own answers (Version Negotiation, Retry, Stateless Reset).
    private List<byte[]> FlushServerAnswers()
    {
        var answers = new List<byte[]>();
        while (Server.PollTransmit(_buffer, out var t))
        {
            answers.Add(_buffer[..t.Size]);
            Send(ServerAddress, t.Destination, _buffer[..t.Size]);
        }
        return answers;
    }

    /// <summary>Drives everything until <paramref name="condition"/> holds; fails on the step or simulated time limit.</summary>
    public void RunUntil(Func<bool> condition, int maxSteps = 2_000_000, TimeSpan? maxTime = null)
    {
        var deadline = Now + (maxTime ?? TimeSpan.FromMinutes(5));
        for (int i = 0; i < maxSteps; i++)
        {
            if (condition()) return;
            if (!Step()) throw new InvalidOperationException($"idle at {Now} before the condition held");
            if (Now > deadline) throw new TimeoutException($"condition not met by {Now}");
        }
        throw new InvalidOperationException("step limit reached");
    }

    /// <summary>One step: send what is ready, deliver what is due, else jump to the next delivery or timer. False when nothing is left.</summary>
    public bool Step()
    {
        bool sent = Flush();
        if (Deliver() || sent) return true;
        Instant? next = null;
        if (_inFlight.TryPeek(out _, out var at)) next = new Instant(at.Item1);
        foreach (var c in AllConnections()) next = Instant.Earliest(next, c.PollTimeout());
        if (next is null) return false;
        Now = Instant.Max(Now, next.Value);
        Deliver();
        foreach (var (endpoint, c) in AllConnectionsWithEndpoint())
        {
            if (c.PollTimeout() is { } t && t <= Now) c.HandleTimeout(Now);
            endpoint.Refresh(c);
        }
        return true;
    }

    private IEnumerable<Connection> AllConnections() => AllConnectionsWithEndpoint().Select(p => p.Connection);

    private List<(Endpoint Endpoint, Connection Connection)> AllConnectionsWithEndpoint() =>
        _clients.Values.Append(Server).SelectMany(e => e.Connections.Select(c => (e, c))).ToList();

    private bool Flush()
    {
        bool any = false;
        foreach (var (address, endpoint) in _clients)
        {
            while (endpoint.PollTransmit(_buffer, out var t))
            {
                Send(address, t.Destination, _buffer[..t.Size]);
                any = true;
            }
            foreach (var c in endpoint.Connections.ToList()) any |= FlushConnection(endpoint, c, address);
        }
        foreach (var c in Server.Connections.ToList()) any |= FlushConnection(Server, c, ServerAddress);
        return any;
    }

    private bool FlushConnection(Endpoint endpoint, Connection c, EndPoint from)
    {
        bool any = false;
        for (int guard = 0; guard < 10_000 && c.PollTransmit(Now, _buffer, out var t); guard++)
        {
            Send(from, t.Destination, _buffer[..t.Size]);
            any = true;
        }
        endpoint.Refresh(c);
        return any;
    }

    private void Send(EndPoint from, EndPoint to, byte[] data) => _inFlight.Enqueue((from, to, data), ((Now + Latency).Ticks, _sequence++));

    private bool Deliver()
    {
        bool any = false;
        while (_inFlight.TryPeek(out var d, out var at) && at.Item1 <= Now.Ticks)
        {
            _inFlight.Dequeue();
            any = true;
            if (Equals(d.To, ServerAddress))
            {
                Observer?.Invoke(true, d.Data);
                Server.HandleDatagram(Now, d.From, d.Data);
                AcceptAll();
                FlushServerAnswers();
            }
            else if (_clients.TryGetValue(d.To, out var client))
            {
                Observer?.Invoke(false, d.Data);
                client.HandleDatagram(Now, d.From, d.Data);
            }
            else
            {
                Stray.Add((d.To, d.Data));
            }
        }
        return any;
    }

    private void AcceptAll()
    {
        while (Server.TryAccept(out var c)) Accepted.Add(c);
    }
}
