using System.Net;
using MoqLive.Quic.Core;
using MoqLive.Quic.Tls;

namespace MoqLive.Quic.Tests.Core;

/// <summary>
/// <see cref="ConnectionOptions.Random"/> is shared by every connection made from the options, which run on different
/// threads; each connection must use a generator of its own (System.Random is not thread-safe).
/// </summary>
public sealed class ConnectionRandomTests
{
    private static readonly EndPoint ServerAddr = new IPEndPoint(IPAddress.Loopback, 443);
    private static readonly Lazy<TlsServerCertificate> s_cert = new(() => TlsServerCertificate.FromCertificate(SelfSignedCertificate.Create(DateTimeOffset.UtcNow)));

    private static TlsClientOptions ClientTls() => new() { ApplicationProtocols = ["moqt-19"], CertificateValidation = TlsCertificateValidation.None };

    [Fact]
    public void Handshake_SharedSeededRandom_IsDrawnOnlyOncePerConnection()
    {
        var shared = new CountingRandom(9);
        var options = new ConnectionOptions { Random = shared };
        var server = new Endpoint(new EndpointOptions
        {
            Server = new TlsServerOptions { Certificate = s_cert.Value, ApplicationProtocols = ["moqt-19"] },
            Connection = options,
        });
        var client = new Endpoint(new EndpointOptions { Connection = options });
        var clientAddr = new IPEndPoint(IPAddress.Loopback, 5000);
        var c = client.Connect(Instant.Zero, ServerAddr, ClientTls());
        var buf = new byte[65536];
        for (int step = 0; step < 1000 && !(c.IsHandshakeConfirmed && c.LocalConnectionIds.Count() > 1); step++)
        {
            while (c.PollTransmit(Instant.Zero, buf, out var t)) server.HandleDatagram(Instant.Zero, clientAddr, buf.AsSpan(0, t.Size));
            foreach (var s in server.Connections.ToList())
            {
                while (s.PollTransmit(Instant.Zero, buf, out var t)) client.HandleDatagram(Instant.Zero, ServerAddr, buf.AsSpan(0, t.Size));
            }
        }

        // Both connections drew randomness after they were created (more connection IDs, RFC 9000 §5.1.1) ...
        Assert.True(c.IsHandshakeConfirmed);
        Assert.True(c.LocalConnectionIds.Count() > 1);
        Assert.True(server.Connections.Single().LocalConnectionIds.Count() > 1);
        // ... but only from their own generators: the shared one only seeded each of the two.
        Assert.Equal(2, shared.Calls);
    }

    [Fact]
    public void CreateClient_SameSeed_SameConnectionIds()
    {
        ConnectionId First(int seed) =>
            Connection.CreateClient(new ConnectionOptions { Random = new Random(seed) }, ClientTls(), ServerAddr, Instant.Zero).LocalConnectionIds.First();

        Assert.Equal(First(4), First(4));
        Assert.NotEqual(First(4), First(5));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void CreateClient_ManyThreadsOneOptions_DistinctConnectionIds(bool seeded)
    {
        var options = new ConnectionOptions { Random = seeded ? new Random(11) : null };
        var ids = new System.Collections.Concurrent.ConcurrentBag<ConnectionId>();
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            foreach (var id in Connection.CreateClient(options, ClientTls(), ServerAddr, Instant.Zero).LocalConnectionIds) ids.Add(id);
        });
        Assert.Equal(200, ids.Count);
        Assert.Equal(200, ids.Distinct().Count());
    }

    /// <summary>Counts every draw (whatever the method) from a seeded generator.</summary>
    private sealed class CountingRandom(int seed) : Random(seed)
    {
        private int _calls;

        public int Calls => _calls;

        public override int Next()
        {
            Interlocked.Increment(ref _calls);
            return base.Next();
        }

        public override int Next(int maxValue)
        {
            Interlocked.Increment(ref _calls);
            return base.Next(maxValue);
        }

        public override int Next(int minValue, int maxValue)
        {
            Interlocked.Increment(ref _calls);
            return base.Next(minValue, maxValue);
        }

        public override long NextInt64()
        {
            Interlocked.Increment(ref _calls);
            return base.NextInt64();
        }

        public override void NextBytes(byte[] buffer)
        {
            Interlocked.Increment(ref _calls);
            base.NextBytes(buffer);
        }

        public override void NextBytes(Span<byte> buffer)
        {
            Interlocked.Increment(ref _calls);
            base.NextBytes(buffer);
        }

        public override double NextDouble()
        {
            Interlocked.Increment(ref _calls);
            return base.NextDouble();
        }
    }
}
