using System.Buffers.Binary;
using System.Net;
using MoqLive.Quic.Core;
using MoqLive.Quic.Crypto;
using MoqLive.Quic.Packets;
using MoqLive.Quic.Recovery;
using MoqLive.Quic.Streams;
using MoqLive.Quic.Tls;

namespace MoqLive.Quic.Tests.Core;

public class EndpointTests
{
    private static readonly EndPoint ClientAddr = new IPEndPoint(IPAddress.Loopback, 5000);
    private static readonly EndPoint ServerAddr = new IPEndPoint(IPAddress.Loopback, 443);
    private static readonly Lazy<TlsServerCertificate> s_cert = new(() => TlsServerCertificate.FromCertificate(SelfSignedCertificate.Create(DateTimeOffset.UtcNow)));

    private static TlsClientOptions ClientTls() => new() { ApplicationProtocols = ["moqt-19"], CertificateValidation = TlsCertificateValidation.None };

    private static EndpointOptions ServerOptions(byte[]? key = null) => new()
    {
        Server = new TlsServerOptions { Certificate = s_cert.Value, ApplicationProtocols = ["moqt-19"] },
        Connection = new ConnectionOptions { Random = new Random(2) },
        StatelessResetKey = key ?? new byte[32],
    };

    /// <summary>Two endpoints over an instantaneous link; the clock jumps to the earliest timer when idle.</summary>
    private sealed class Net
    {
        private readonly byte[] _buf = new byte[65536];

        public Net(Endpoint client, Endpoint server)
        {
            ClientEp = client;
            ServerEp = server;
        }

        public Endpoint ClientEp { get; }

        public Endpoint ServerEp { get; set; }

        public Instant Now { get; set; } = Instant.FromMilliseconds(1000);

        public void RunUntil(Func<bool> condition, int maxSteps = 100_000)
        {
            for (int i = 0; i < maxSteps; i++)
            {
                if (condition()) return;
                if (!Pump())
                {
                    var next = ClientEp.Connections.Concat(ServerEp.Connections).Select(c => c.PollTimeout()).Where(t => t.HasValue).Min();
                    if (next is null) throw new InvalidOperationException("idle");
                    Now = Instant.Max(Now, next.Value);
                    foreach (var c in ClientEp.Connections.Concat(ServerEp.Connections).ToList())
                    {
                        if (c.PollTimeout() is { } t && t <= Now) c.HandleTimeout(Now);
                    }
                }
            }
            throw new InvalidOperationException("step limit");
        }

        private bool Pump()
        {
            bool any = false;
            any |= Flush(ClientEp, ServerEp, ClientAddr);
            any |= Flush(ServerEp, ClientEp, ServerAddr);
            return any;
        }

        private bool Flush(Endpoint from, Endpoint to, EndPoint fromAddr)
        {
            bool any = false;
            var datagrams = new List<byte[]>();
            while (from.PollTransmit(_buf, out var t)) datagrams.Add(_buf[..t.Size]);
            foreach (var c in from.Connections.ToList())
            {
                while (c.PollTransmit(Now, _buf, out var t)) datagrams.Add(_buf[..t.Size]);
                from.Refresh(c);
            }
            foreach (var d in datagrams)
            {
                any = true;
                if (Intercept?.Invoke(d) == true) continue;
                to.HandleDatagram(Now, fromAddr, d);
            }
            return any;
        }

        public Func<byte[], bool>? Intercept { get; set; }
    }

    /// <summary>A client and a server endpoint on <see cref="Net"/>, their connection's handshake confirmed.</summary>
    private static (Net Net, Connection Client, Connection Server) Establish()
    {
        var server = new Endpoint(ServerOptions());
        var client = new Endpoint(new EndpointOptions { Connection = new ConnectionOptions { Random = new Random(1) } });
        var net = new Net(client, server);
        var c = client.Connect(net.Now, ServerAddr, ClientTls());
        net.RunUntil(() => c.IsHandshakeConfirmed);
        Assert.True(server.TryAccept(out var s));
        return (net, c, s);
    }

    [Fact]
    public void Handshake_ThroughEndpoints_AcceptsAndRoutesByConnectionId()
    {
        var (net, c, s) = Establish();
        Assert.True(s.IsHandshakeConfirmed);
        // Data flows after the client switches to another server connection ID.
        net.RunUntil(() => c.RotateRemoteConnectionId());
        var id = c.OpenStream(StreamDirection.Unidirectional)!.Value;
        c.WriteStream(id, new byte[5000]);
        c.FinishStream(id);
        var buf = new byte[10000];
        int got = 0;
        bool fin = false;
        net.RunUntil(() =>
        {
            s.TryAcceptStream(StreamDirection.Unidirectional, out _);
            if (s.Streams.FindRecv(id) is not null) got += s.ReadStream(id, buf.AsSpan(got), out fin);
            return fin;
        });
        Assert.Equal(5000, got);
        Assert.Single(net.ServerEp.Connections);
    }

    [Fact]
    public void RequireRetry_ClientFollowsRetry_AndHandshakeCompletes()
    {
        var server = new Endpoint(ServerOptions() with { RequireRetry = true });
        var client = new Endpoint(new EndpointOptions { Connection = new ConnectionOptions { Random = new Random(1) } });
        var net = new Net(client, server);
        var c = client.Connect(net.Now, ServerAddr, ClientTls());
        net.RunUntil(() => c.IsHandshakeConfirmed);
        Assert.Equal(1, c.Stats.Retries);
        Assert.True(server.TryAccept(out var s));
        Assert.True(s.IsHandshakeConfirmed);
    }

    [Fact]
    public void RequireRetry_TokenFromAnotherAddress_IsRejected()
    {
        var server = new Endpoint(ServerOptions() with { RequireRetry = true });
        var client = new Endpoint(new EndpointOptions { Connection = new ConnectionOptions { Random = new Random(1) } });
        var c = client.Connect(Instant.Zero, ServerAddr, ClientTls());
        var buf = new byte[2000];
        Assert.True(c.PollTransmit(Instant.Zero, buf, out var t));
        Assert.Null(server.HandleDatagram(Instant.Zero, ClientAddr, buf.AsSpan(0, t.Size)));
        Assert.True(server.PollTransmit(buf, out var retry));
        client.HandleDatagram(Instant.Zero, ServerAddr, buf.AsSpan(0, retry.Size));
        Assert.Equal(1, c.Stats.Retries);
        Assert.True(c.PollTransmit(Instant.Zero, buf, out t));
        // The same token replayed from a spoofed address creates nothing.
        var spoofed = new IPEndPoint(IPAddress.Parse("192.0.2.7"), 1234);
        Assert.Null(server.HandleDatagram(Instant.Zero, spoofed, buf.AsSpan(0, t.Size)));
        Assert.Empty(server.Connections);
        Assert.NotNull(server.HandleDatagram(Instant.Zero, ClientAddr, buf.AsSpan(0, t.Size)));
    }

    [Fact]
    public void RequireRetry_TokenEchoedAfterItExpired_ClosedWithInvalidToken()
    {
        var server = new Endpoint(ServerOptions() with { RequireRetry = true, RetryTokenLifetime = TimeSpan.FromSeconds(5) });
        var client = new Endpoint(new EndpointOptions { Connection = new ConnectionOptions { Random = new Random(1) } });
        var c = client.Connect(Instant.Zero, ServerAddr, ClientTls());
        var buf = new byte[2000];
        Assert.True(c.PollTransmit(Instant.Zero, buf, out var t));
        Assert.Equal(DatagramDisposition.Answered, server.Dispatch(Instant.Zero, ClientAddr, buf.AsSpan(0, t.Size), out _));
        Assert.True(server.PollTransmit(buf, out var retry));
        client.HandleDatagram(Instant.Zero, ServerAddr, buf.AsSpan(0, retry.Size));
        Assert.True(c.PollTransmit(Instant.Zero, buf, out t));

        var late = Instant.Zero + TimeSpan.FromSeconds(6);
        var initial = buf[..t.Size];
        Assert.Equal(DatagramDisposition.Answered, server.Dispatch(late, ClientAddr, initial, out _));
        Assert.Empty(server.Connections);
        // RFC 9000 §8.1.2: the client learns at once, from a stateless CONNECTION_CLOSE with INVALID_TOKEN.
        Assert.True(server.PollTransmit(buf, out var close));
        Assert.True(close.Size < 200);
        client.HandleDatagram(late, ServerAddr, buf.AsSpan(0, close.Size));
        Assert.Equal((CloseOrigin.Peer, (ulong)TransportErrorCode.InvalidToken), (c.CloseInfo!.Origin, c.CloseInfo.ErrorCode));
        Assert.Equal(DatagramDisposition.Accepted, server.Dispatch(Instant.Zero + TimeSpan.FromSeconds(4), ClientAddr, initial, out var s));
        Assert.NotNull(s);
    }

    [Fact]
    public void AfterRetry_ServerNamesWrongOriginalDestination_ClientClosesWithTransportParameterError()
    {
        var server = new Endpoint(ServerOptions() with { RequireRetry = true });
        var client = new Endpoint(new EndpointOptions { Connection = new ConnectionOptions { Random = new Random(1) } });
        var c = client.Connect(Instant.Zero, ServerAddr, ClientTls());
        var buf = new byte[2000];
        Assert.True(c.PollTransmit(Instant.Zero, buf, out var t));
        server.HandleDatagram(Instant.Zero, ClientAddr, buf.AsSpan(0, t.Size));
        Assert.True(server.PollTransmit(buf, out var retry));
        client.HandleDatagram(Instant.Zero, ServerAddr, buf.AsSpan(0, retry.Size));
        Assert.True(c.PollTransmit(Instant.Zero, buf, out t));
        Assert.True(PacketHeader.TryParse(buf.AsSpan(0, t.Size), 8, out var h));

        // RFC 9000 §7.3: after a Retry the client checks original_destination_connection_id against its first
        // Destination Connection ID; a server that names the Retry's connection ID instead is refused.
        var rogue = Connection.CreateServer(new ConnectionOptions { Random = new Random(3) }, ServerOptions().Server!, ClientAddr,
            h.DestinationConnectionId, h.SourceConnectionId, Instant.Zero, retrySource: h.DestinationConnectionId);
        rogue.HandleDatagram(Instant.Zero, ClientAddr, buf.AsSpan(0, t.Size));
        for (int i = 0; i < 20 && c.CloseInfo is null; i++)
        {
            while (rogue.PollTransmit(Instant.Zero, buf, out var r)) c.HandleDatagram(Instant.Zero, ServerAddr, buf.AsSpan(0, r.Size));
            while (c.PollTransmit(Instant.Zero, buf, out var r)) rogue.HandleDatagram(Instant.Zero, ClientAddr, buf.AsSpan(0, r.Size));
        }

        Assert.Equal(TransportErrorCode.TransportParameterError, c.Stats.LocalTransportError);
    }

    [Fact]
    public void UnknownVersion_AnsweredWithVersionNegotiation()
    {
        var server = new Endpoint(ServerOptions());
        var datagram = new byte[1200];
        datagram[0] = 0xc0;
        BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(1), 0x1a2a3a4a);
        datagram[5] = 8;
        datagram[14] = 4;
        Assert.Null(server.HandleDatagram(Instant.Zero, ClientAddr, datagram));
        var buf = new byte[1500];
        Assert.True(server.PollTransmit(buf, out var t));
        Assert.True(VersionNegotiationPacket.TryParse(buf.AsSpan(0, t.Size), out _, out _, out var versions));
        Assert.True(VersionNegotiationPacket.Contains(versions, QuicVersion.Version1));
    }

    [Fact]
    public void Client_VersionNegotiationWithoutV1_EndsAttempt_WithV1_Ignored()
    {
        var client = new Endpoint(new EndpointOptions { Connection = new ConnectionOptions { Random = new Random(1) } });
        var c = client.Connect(Instant.Zero, ServerAddr, ClientTls());
        var buf = new byte[2000];
        Assert.True(c.PollTransmit(Instant.Zero, buf, out var t));
        Assert.True(PacketHeader.TryParse(buf.AsSpan(0, t.Size), 8, out var h));
        var vn = new byte[100];
        var clientScid = h.SourceConnectionId.Span.ToArray();
        var clientDcid = h.DestinationConnectionId.Span.ToArray();
        // Lists v1: ignored (RFC 9000 §6.2).
        int n = VersionNegotiationPacket.Write(vn, clientScid, clientDcid, [QuicVersion.Version1, 0x1a2a3a4a], 0);
        client.HandleDatagram(Instant.Zero, ServerAddr, vn.AsSpan(0, n));
        Assert.Equal(ConnectionState.Handshaking, c.State);
        n = VersionNegotiationPacket.Write(vn, clientScid, clientDcid, [0x1a2a3a4a], 0);
        client.HandleDatagram(Instant.Zero, ServerAddr, vn.AsSpan(0, n));
        Assert.Equal(ConnectionState.Drained, c.State);
        Assert.Contains("version", c.CloseInfo!.Reason);
    }

    [Fact]
    public void SmallInitial_IsDropped()
    {
        var server = new Endpoint(ServerOptions());
        var client = new Endpoint(new EndpointOptions { Connection = new ConnectionOptions { Random = new Random(1) } });
        var c = client.Connect(Instant.Zero, ServerAddr, ClientTls());
        var buf = new byte[2000];
        Assert.True(c.PollTransmit(Instant.Zero, buf, out var t));
        Assert.Null(server.HandleDatagram(Instant.Zero, ClientAddr, buf.AsSpan(0, 1100)));
        Assert.Empty(server.Connections);
        Assert.NotNull(server.HandleDatagram(Instant.Zero, ClientAddr, buf.AsSpan(0, t.Size)));
    }

    [Fact]
    public void CorruptedInitial_IsDroppedBeforeAnyConnectionStateIsBuilt()
    {
        var server = new Endpoint(ServerOptions());
        var client = new Endpoint(new EndpointOptions { Connection = new ConnectionOptions { Random = new Random(1) } });
        var c = client.Connect(Instant.Zero, ServerAddr, ClientTls());
        var buf = new byte[2000];
        Assert.True(c.PollTransmit(Instant.Zero, buf, out var t));
        byte[] initial = buf[..t.Size];
        byte[] corrupted = (byte[])initial.Clone();
        corrupted[^20] ^= 0x55; // inside the AEAD ciphertext: the packet no longer authenticates
        Assert.Null(server.HandleDatagram(Instant.Zero, ClientAddr, corrupted)); // also warms this path up
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Null(server.HandleDatagram(Instant.Zero, ClientAddr, corrupted));
        long dropped = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Empty(server.Connections);

        // What building the connection first (TLS session, recovery, streams) would allocate for the same Initial.
        Assert.True(PacketHeader.TryParse(initial, 8, out var header));
        var tls = ServerOptions().Server!;
        Connection.CreateServer(new ConnectionOptions(), tls, ClientAddr, header.DestinationConnectionId, header.SourceConnectionId, Instant.Zero);
        before = GC.GetAllocatedBytesForCurrentThread();
        Connection.CreateServer(new ConnectionOptions(), tls, ClientAddr, header.DestinationConnectionId, header.SourceConnectionId, Instant.Zero);
        long connection = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(dropped * 2 < connection, $"dropping a corrupted Initial allocated {dropped} bytes; a connection allocates {connection}");

        // The intact Initial still gets its connection.
        Assert.NotNull(server.HandleDatagram(Instant.Zero, ClientAddr, initial));
        Assert.Single(server.Connections);
    }

    [Fact]
    public void ServerLosesState_ClientGetsStatelessReset()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var server = new Endpoint(ServerOptions(key));
        var client = new Endpoint(new EndpointOptions { Connection = new ConnectionOptions { Random = new Random(1) } });
        var net = new Net(client, server);
        var c = client.Connect(net.Now, ServerAddr, ClientTls());
        net.RunUntil(() => c.IsHandshakeConfirmed);
        // The server restarts with the same reset key and no connections.
        net.ServerEp = new Endpoint(ServerOptions(key));
        var restarted = new Net(client, net.ServerEp) { Now = net.Now };
        c.SendDatagram(new byte[100]);
        restarted.RunUntil(() => c.State == ConnectionState.Drained);
        Assert.Equal(CloseOrigin.StatelessReset, c.CloseInfo!.Origin);
    }

    [Fact]
    public void HandshakeTimeout_ClientGoesSilentAfterItsInitial_ServerClosesWithHandshakeTimeout()
    {
        var server = new Endpoint(ServerOptions()) { HandshakeTimeout = TimeSpan.FromSeconds(3) };
        var client = new Endpoint(new EndpointOptions { Connection = new ConnectionOptions { Random = new Random(1) } });
        var start = Instant.FromMilliseconds(1000);
        var c = client.Connect(start, ServerAddr, ClientTls());
        var buf = new byte[2000];
        Assert.True(c.PollTransmit(start, buf, out var t));
        var s = server.HandleDatagram(start, ClientAddr, buf.AsSpan(0, t.Size));
        Assert.NotNull(s);

        // Nothing more arrives from the client: the server's timers (PTOs, then the handshake deadline) run alone.
        var now = start;
        for (int i = 0; i < 100 && s.CloseInfo is null; i++)
        {
            while (s.PollTransmit(now, buf, out _)) { }
            now = s.PollTimeout()!.Value;
            s.HandleTimeout(now);
        }

        // Long before the 30 s idle timeout would have ended it.
        Assert.Equal(CloseOrigin.HandshakeTimeout, s.CloseInfo!.Origin);
        Assert.Equal((ulong)TransportErrorCode.NoError, s.CloseInfo.ErrorCode);
        Assert.Equal(start + TimeSpan.FromSeconds(3), now);
        Assert.Equal(ConnectionState.Closing, s.State);
        Assert.Equal(QuicError.ConnectionTimeout, QuicException.FromClose(s.CloseInfo).QuicError);

        // The closing period lasts at least 3 PTOs (RFC 9000 §10.2), rounded up to the close-timer granularity so that the
        // ends of many connections' closing periods share a timer expiry; then the endpoint forgets the connection.
        var end = s.PollTimeout()!.Value;
        var pto = s.Loss.Pto(includeBackoff: false);
        Assert.True(end >= now + pto * 3);
        Assert.True(end < now + pto * 3 + Connection.CloseTimerGranularity);
        Assert.Equal(0, end.Ticks % Connection.CloseTimerGranularity.Ticks);
        s.HandleTimeout(end - TimeSpan.FromTicks(1));
        Assert.Equal(ConnectionState.Closing, s.State);
        s.HandleTimeout(end);
        server.Refresh(s);
        Assert.Empty(server.Connections);
    }

    [Fact]
    public void HandshakeTimeout_HandshakeCompleted_NoLongerApplies()
    {
        var server = new Endpoint(ServerOptions()) { HandshakeTimeout = TimeSpan.FromSeconds(3) };
        var client = new Endpoint(new EndpointOptions { Connection = new ConnectionOptions { Random = new Random(1) } });
        var net = new Net(client, server);
        var start = net.Now;
        var c = client.Connect(net.Now, ServerAddr, ClientTls());
        net.RunUntil(() => c.IsHandshakeConfirmed);
        Assert.True(server.TryAccept(out var s));

        var later = start + TimeSpan.FromSeconds(4);
        s.HandleTimeout(later);

        Assert.Equal(ConnectionState.Established, s.State);
        Assert.Null(s.CloseInfo);
    }

    [Fact]
    public void HandshakeTimeout_ClientWithoutServer_ClosesAtTheDeadline()
    {
        var client = new Endpoint(new EndpointOptions { Connection = new ConnectionOptions { Random = new Random(1) } });
        var start = Instant.FromMilliseconds(1000);
        var c = client.Connect(start, ServerAddr, ClientTls());
        c.SetHandshakeTimeout(start, TimeSpan.FromMilliseconds(2500));
        var buf = new byte[2000];
        var now = start;
        for (int i = 0; i < 100 && c.CloseInfo is null; i++)
        {
            while (c.PollTransmit(now, buf, out _)) { }
            now = c.PollTimeout()!.Value;
            c.HandleTimeout(now);
        }

        Assert.Equal(CloseOrigin.HandshakeTimeout, c.CloseInfo!.Origin);
        Assert.Equal(start + TimeSpan.FromMilliseconds(2500), now);
        Assert.Contains("2.5 s", c.CloseInfo.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Close_AfterThePeerStoppedAcknowledging_ClosingPeriodIsThreeUnbackedOffPtos()
    {
        var (net, c, s) = Establish();

        // The client vanishes: the server's data goes unacknowledged and its PTO backs off six times.
        net.Intercept = _ => true;
        StreamId id = s.OpenStream(StreamDirection.Unidirectional)!.Value;
        Assert.Equal(100, s.WriteStream(id, new byte[100]));
        net.RunUntil(() => s.Loss.PtoCount >= 6);
        var pto = s.Loss.Pto(includeBackoff: false);
        Assert.True(s.Loss.Pto() >= pto * 64);

        // RFC 9000 §10.2: three PTOs, not three backed-off ones (which would hold the endpoint's socket for 64 times as long).
        var closedAt = net.Now;
        s.Close(closedAt, 0, "going away");
        var end = s.PollTimeout()!.Value;
        Assert.True(end >= closedAt + pto * 3);
        Assert.True(end < closedAt + pto * 3 + Connection.CloseTimerGranularity);
        s.HandleTimeout(end);
        Assert.Equal(ConnectionState.Drained, s.State);
    }

    [Fact]
    public void Handshake_Confirmed_DisposesInitialAndHandshakeKeys_AndTheRestOnceDrained()
    {
        var (net, c, s) = Establish();

        // RFC 9001 §4.9: Initial keys go with the first Handshake packet, Handshake keys once the handshake is confirmed.
        foreach (var connection in new[] { s, c })
        {
            AssertDisposed(connection.KeysOf(PacketSpace.Initial)!);
            AssertDisposed(connection.KeysOf(PacketSpace.Handshake)!);
        }
        var oneRtt = s.KeysOf(PacketSpace.ApplicationData)!;
        oneRtt.Local.Packet.Encrypt(0, new byte[64], 20);

        c.Close(net.Now, 0, "bye");
        net.RunUntil(() => s.State == ConnectionState.Drained && c.State == ConnectionState.Drained);
        AssertDisposed(oneRtt);
        AssertDisposed(c.KeysOf(PacketSpace.ApplicationData)!);

        static void AssertDisposed(LevelKeys keys)
        {
            Assert.Throws<ObjectDisposedException>(() => keys.Local.Packet.Encrypt(0, new byte[64], 20));
            Assert.Throws<ObjectDisposedException>(() => keys.Remote.Packet.Encrypt(0, new byte[64], 20));
        }
    }
}
