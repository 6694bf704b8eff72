using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using MoqLive.Quic.Core;
using MoqLive.Quic.Packets;
using MoqLive.Quic.Streams;
using Xunit.Abstractions;

namespace MoqLive.Quic.Tests.Fuzz;

/// <summary>
/// Bad input at the listener (issue 2): random and mutated datagrams hit the server endpoint's real routing code
/// (<see cref="Endpoint"/>, which the UDP driver also runs) while a healthy connection transfers data. Seeded and
/// on a fake clock, so a failure replays exactly.
/// </summary>
public class ListenerFuzzTests(ITestOutputHelper output)
{
    private const int Datagrams = 100_000;
    private const long TransferBytes = 4 * 1024 * 1024;
    private static readonly IPEndPoint[] s_attackers =
        Enumerable.Range(1, 16).Select(i => new IPEndPoint(IPAddress.Parse($"198.51.100.{i}"), 40000 + i)).ToArray();

    private enum Expect
    {
        Anything,
        VersionNegotiation,
        StatelessReset,
        Nothing,
    }

    [Fact]
    public void Listener_100kRandomAndMutatedDatagramsDuringTransfer_HealthyTransferByteExact()
    {
        var net = new EndpointNet(seed: 11);
        var corpus = new List<byte[]>();
        int observed = 0;
        // Real datagrams of both directions: the whole handshake (Initial, Handshake, coalesced) and a sample of 1-RTT.
        net.Observer = (_, d) =>
        {
            if (corpus.Count < 400 && (observed++ < 40 || observed % 37 == 0)) corpus.Add(d);
        };
        var client = net.Connect();
        net.RunUntil(() => client.IsHandshakeConfirmed && net.Accepted is [{ IsHandshakeConfirmed: true }]);
        var server = net.Accepted[0];
        var id = client.OpenStream(StreamDirection.Unidirectional)!.Value;

        var rng = new Random(1234);
        var chunk = new byte[32 * 1024];
        var readBuffer = new byte[64 * 1024];
        long written = 0, received = 0;
        bool finishSent = false, finReceived = false;
        int injected = 0, versionNegotiations = 0, resets = 0;
        StreamId? serverStream = null;
        int steps = 0;
        while (!finReceived)
        {
            Assert.True(++steps < 2_000_000, "transfer stalled");
            // The writer keeps the stream busy until every datagram was injected and the target size was sent.
            if (!finishSent)
            {
                if (written >= TransferBytes && injected >= Datagrams)
                {
                    client.FinishStream(id);
                    finishSent = true;
                }
                else
                {
                    for (int i = 0; i < chunk.Length; i++) chunk[i] = Pattern(written + i);
                    written += client.WriteStream(id, chunk);
                }
            }

            for (int i = 0; i < 50 && injected < Datagrams; i++, injected++)
            {
                var (datagram, expect) = Mutate(rng, corpus, server.LocalConnectionIds.First());
                var from = rng.Next(20) == 0 ? EndpointNet.ClientAddress : s_attackers[rng.Next(s_attackers.Length)];
                var answers = net.InjectToServer(from, datagram);
                Check(net, datagram, expect, answers, ref versionNegotiations, ref resets);
            }

            net.Step();
            if (serverStream is null && server.TryAcceptStream(StreamDirection.Unidirectional, out var accepted)) serverStream = accepted;
            if (serverStream is { } sid)
            {
                int n;
                while ((n = server.ReadStream(sid, readBuffer, out bool fin)) > 0 || fin)
                {
                    for (int i = 0; i < n; i++)
                    {
                        if (readBuffer[i] != Pattern(received + i)) Assert.Fail($"byte {received + i} differs");
                    }
                    received += n;
                    if (fin)
                    {
                        finReceived = true;
                        break;
                    }
                }
            }
        }

        output.WriteLine($"{injected} datagrams injected over {steps} steps; {received} bytes transferred; "
            + $"{versionNegotiations} Version Negotiations, {resets} Stateless Resets; {server.Stats.PacketsDropped} packets dropped by the live connection");
        Assert.Equal(Datagrams, injected);
        Assert.True(written >= TransferBytes);
        Assert.Equal(written, received);
        Assert.Null(client.CloseInfo);
        Assert.Null(server.CloseInfo);
        Assert.Equal(EndpointNet.ClientAddress, server.RemoteAddress);
        // Garbage created no lasting connection state, and every mutation class was exercised.
        Assert.Single(net.Server.Connections);
        Assert.Single(net.Accepted);
        Assert.True(versionNegotiations > 1000, $"{versionNegotiations} Version Negotiation replies");
        Assert.True(resets > 1000, $"{resets} Stateless Resets");
        Assert.True(server.Stats.PacketsDropped > 1000, $"{server.Stats.PacketsDropped} mutated packets reached the connection");
    }

    private static byte Pattern(long offset) => (byte)(offset * 31 + (offset >> 9));

    private static void Check(EndpointNet net, byte[] trigger, Expect expect, List<byte[]> answers, ref int versionNegotiations, ref int resets)
    {
        Assert.True(answers.Count <= 1, "more than one answer to one datagram");
        if (answers.Count == 0)
        {
            Assert.True(expect is Expect.Anything or Expect.Nothing, $"no answer, expected {expect}");
            return;
        }
        var answer = answers[0];
        Assert.True(expect is Expect.Anything or Expect.VersionNegotiation or Expect.StatelessReset, "unexpected answer");
        if ((answer[0] & 0x80) != 0)
        {
            // RFC 9000 §6.1: Version Negotiation only for a long header of another version in a datagram that could
            // start a connection; it echoes the connection IDs swapped and is no larger than the trigger.
            Assert.NotEqual(Expect.StatelessReset, expect);
            Assert.True(VersionNegotiationPacket.TryParse(answer, out var dcid, out var scid, out var versions));
            Assert.True(PacketInvariants.TryParseLongHeader(trigger, out uint version, out var tDcid, out var tScid, out _));
            Assert.True(trigger.Length >= 1200);
            Assert.False(QuicVersion.IsSupported(version));
            Assert.NotEqual(QuicVersion.Negotiation, version);
            Assert.True(dcid.SequenceEqual(tScid) && scid.SequenceEqual(tDcid));
            Assert.True(VersionNegotiationPacket.Contains(versions, QuicVersion.Version1));
            Assert.True(answer.Length <= trigger.Length);
            versionNegotiations++;
        }
        else
        {
            // RFC 9000 §10.3: a Stateless Reset only for a short header, smaller than the trigger (no loops, no
            // amplification), at least 21 bytes, ending with the token derived from the trigger's connection ID.
            Assert.NotEqual(Expect.VersionNegotiation, expect);
            Assert.Equal(0, trigger[0] & 0x80);
            Assert.InRange(answer.Length, StatelessReset.MinLength, trigger.Length - 1);
            Assert.Equal(0x40, answer[0] & 0xc0);
            var token = HMACSHA256.HashData(net.StatelessResetKey, trigger.AsSpan(1, 8))[..StatelessResetToken.Length];
            Assert.Equal(token, answer[^StatelessResetToken.Length..]);
            resets++;
        }
    }

    private static (byte[] Datagram, Expect Expect) Mutate(Random rng, List<byte[]> corpus, ConnectionId liveConnectionId)
    {
        byte[] Pick() => (byte[])corpus[rng.Next(corpus.Count)].Clone();
        byte[] RandomBytes(int length)
        {
            var b = new byte[length];
            rng.NextBytes(b);
            return b;
        }

        switch (rng.Next(10))
        {
            case 0:
                return (RandomBytes(rng.Next(1, 1501)), Expect.Anything);
            case 1:
                {
                    var d = Pick();
                    return (d[..rng.Next(0, d.Length)], Expect.Anything);
                }
            case 2:
                {
                    var d = Pick();
                    for (int i = rng.Next(1, 9); i > 0; i--) d[rng.Next(d.Length)] ^= (byte)(1 << rng.Next(8));
                    return (d, Expect.Anything);
                }
            case 3:
                {
                    // Splice: a slice of one datagram over a random place in another (or random bytes).
                    var d = Pick();
                    var source = rng.Next(2) == 0 ? Pick() : RandomBytes(64);
                    int length = rng.Next(1, Math.Min(source.Length, d.Length) + 1);
                    source.AsSpan(rng.Next(source.Length - length + 1), length).CopyTo(d.AsSpan(rng.Next(d.Length - length + 1)));
                    return (d, Expect.Anything);
                }
            case 4:
                {
                    // A well-formed long header of an unknown version (or the Version Negotiation version 0).
                    int length = rng.Next(2) == 0 ? rng.Next(1200, 1501) : rng.Next(30, 1200);
                    var d = RandomBytes(length);
                    uint version = rng.Next(8) == 0 ? QuicVersion.Negotiation : (uint)rng.NextInt64(2, uint.MaxValue);
                    d[0] |= 0x80;
                    BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(1), version);
                    d[5] = (byte)rng.Next(0, 21);
                    d[6 + d[5]] = (byte)rng.Next(0, 21);
                    bool answer = length >= 1200 && version != QuicVersion.Negotiation;
                    return (d, answer ? Expect.VersionNegotiation : Expect.Nothing);
                }
            case 5:
                {
                    // A short header for a connection ID nobody issued: a Stateless Reset when large enough.
                    var d = RandomBytes(rng.Next(1, 1501));
                    d[0] &= 0x7f;
                    return (d, d.Length > StatelessReset.MinLength ? Expect.StatelessReset : Expect.Nothing);
                }
            case 6:
                {
                    // Coalesced: a real datagram followed by garbage or by another real datagram.
                    var head = Pick();
                    var tail = rng.Next(2) == 0 ? Pick() : RandomBytes(rng.Next(1, 600));
                    return ([.. head, .. tail], Expect.Anything);
                }
            case 7:
                {
                    // A mutated packet addressed to the live connection: it must reach it and be dropped there.
                    var d = RandomBytes(rng.Next(20, 1400));
                    d[0] = (byte)((d[0] & 0x3f) | 0x40);
                    liveConnectionId.CopyTo(d.AsSpan(1));
                    return (d, Expect.Nothing);
                }
            case 8:
                {
                    // A v1 Initial of full size with a new connection ID and a payload that does not decrypt.
                    var d = RandomBytes(rng.Next(1200, 1501));
                    d[0] = (byte)(0xc0 | (d[0] & 0x0f));
                    BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(1), QuicVersion.Version1);
                    d[5] = 8;
                    d[14] = 8;
                    d[23] = 0; // no token
                    d[24] = 0x40 | 0x04; // 2-byte length: 0x4xx
                    return (d, Expect.Nothing);
                }
            default:
                {
                    // A real datagram with its connection ID replaced by a random one.
                    var d = Pick();
                    if ((d[0] & 0x80) == 0 && d.Length > 9) rng.NextBytes(d.AsSpan(1, 8));
                    else if (d.Length > 6 + d[5] && d[5] <= 20) rng.NextBytes(d.AsSpan(6, d[5]));
                    return (d, Expect.Anything);
                }
        }
    }
}
