using MoqLive.Quic.Core;
using MoqLive.Quic.Streams;

namespace MoqLive.Quic.Tests.Core;

public class RobustnessTests
{
    public static TheoryData<int> Seeds => new() { 101, 102, 103, 104, 105, 106, 107, 108, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222 };

    /// <summary>Bidirectional echo under random link conditions: every byte sent comes back exactly once, in order.</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void BidiEcho_RandomLinkConditions_ByteExact(int seed)
    {
        var rng = new Random(seed);
        var link = new LinkOptions
        {
            Loss = rng.NextDouble() * 0.15,
            Reordering = rng.NextDouble() * 0.1,
            Duplication = rng.NextDouble() * 0.05,
            Latency = TimeSpan.FromMilliseconds(1 + rng.Next(60)),
        };
        var pair = new QuicPair(seed, link);
        pair.DriveUntil(() => pair.Client.IsHandshakeConfirmed && pair.Server is { IsHandshakeConfirmed: true }, maxTime: TimeSpan.FromSeconds(120));

        int streams = 1 + rng.Next(6);
        var sent = new Dictionary<StreamId, byte[]>();
        var written = new Dictionary<StreamId, int>();
        for (int i = 0; i < streams; i++)
        {
            var data = new byte[rng.Next(1, 60_000)];
            rng.NextBytes(data);
            var id = pair.Client.OpenStream(StreamDirection.Bidirectional)!.Value;
            sent[id] = data;
            written[id] = 0;
        }
        var echoed = sent.Keys.ToDictionary(k => k, _ => new MemoryStream());
        var echoDone = new HashSet<StreamId>();
        var serverBuffers = new Dictionary<StreamId, EchoState>();
        var buf = new byte[70_000];
        pair.DriveUntil(() =>
        {
            foreach (var id in sent.Keys)
            {
                if (written[id] < sent[id].Length)
                {
                    written[id] += pair.Client.WriteStream(id, sent[id].AsSpan(written[id]));
                    if (written[id] == sent[id].Length) pair.Client.FinishStream(id);
                }
                if (!echoDone.Contains(id) && pair.Client.Streams.FindRecv(id) is not null)
                {
                    while (true)
                    {
                        int n = pair.Client.ReadStream(id, buf, out bool fin);
                        echoed[id].Write(buf, 0, n);
                        if (fin) { echoDone.Add(id); break; }
                        if (n == 0) break;
                    }
                }
            }
            var server = pair.Server!;
            while (server.TryAcceptStream(StreamDirection.Bidirectional, out var sid)) serverBuffers[sid] = new EchoState();
            foreach (var (sid, st) in serverBuffers)
            {
                while (!st.Fin)
                {
                    int n = server.ReadStream(sid, buf, out bool fin);
                    st.Data.Write(buf, 0, n);
                    st.Fin = fin;
                    if (n == 0) break;
                }
                if (st.Finished) continue;
                int length = (int)st.Data.Length;
                if (st.Echoed < length) st.Echoed += server.WriteStream(sid, st.Data.GetBuffer().AsSpan(st.Echoed, length - st.Echoed));
                if (st.Fin && st.Echoed == length)
                {
                    server.FinishStream(sid);
                    st.Finished = true;
                }
            }
            return echoDone.Count == sent.Count;
        }, maxTime: TimeSpan.FromSeconds(300));
        foreach (var (id, data) in sent)
        {
            Assert.True(data.AsSpan().SequenceEqual(echoed[id].ToArray()), $"seed {seed} stream {id}");
        }
        pair.DriveToIdle();
        Assert.Equal(ConnectionState.Established, pair.Client.State);
        Assert.Equal(ConnectionState.Established, pair.Server!.State);
    }

    private sealed class EchoState
    {
        public MemoryStream Data { get; } = new();

        public bool Fin { get; set; }

        public int Echoed { get; set; }

        public bool Finished { get; set; }
    }

    [Fact]
    public void StreamLimit_ClientOpensMoreStreamsThanAllowed_AsStreamsClose()
    {
        var pair = new QuicPair(20, server: new ConnectionOptions { MaxIncomingUniStreams = 2 });
        pair.Handshake();
        int opened = 0, completed = 0;
        var buf = new byte[4096];
        var open = new List<StreamId>();
        pair.DriveUntil(() =>
        {
            while (opened < 10 && pair.Client.OpenStream(StreamDirection.Unidirectional) is { } id)
            {
                pair.Client.WriteStream(id, new byte[1000]);
                pair.Client.FinishStream(id);
                opened++;
            }
            while (pair.Server!.TryAcceptStream(StreamDirection.Unidirectional, out var sid)) open.Add(sid);
            foreach (var sid in open.ToList())
            {
                while (true)
                {
                    int n = pair.Server.ReadStream(sid, buf, out bool fin);
                    if (fin) { completed++; open.Remove(sid); break; }
                    if (n == 0) break;
                }
            }
            return completed == 10;
        });
        Assert.Contains(pair.ClientEvents, e => e.Kind == ConnectionEventKind.Stream && e.Stream.Kind == StreamEventKind.Available);
    }

    [Fact]
    public void ServerInitiatedStreams_DeliverToClient()
    {
        var pair = new QuicPair(21);
        pair.Handshake();
        var id = pair.Server!.OpenStream(StreamDirection.Unidirectional)!.Value;
        Assert.Equal(3UL, id.Value);
        var data = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();
        Assert.Equal(data.Length, pair.Server.WriteStream(id, data));
        pair.Server.FinishStream(id);
        var received = new MemoryStream();
        var buf = new byte[65536];
        bool fin = false;
        pair.DriveUntil(() =>
        {
            pair.Client.TryAcceptStream(StreamDirection.Unidirectional, out _);
            while (!fin && pair.Client.Streams.FindRecv(id) is not null)
            {
                int n = pair.Client.ReadStream(id, buf, out fin);
                received.Write(buf, 0, n);
                if (n == 0) break;
            }
            return fin;
        });
        Assert.Equal(data, received.ToArray());
        pair.DriveToIdle();
        Assert.Contains(pair.ServerEvents, e => e.Kind == ConnectionEventKind.Stream && e.Stream.Kind == StreamEventKind.Finished && e.Stream.Id == id);
    }

    [Fact]
    public void ServerFlightLost_AmplificationLimitedServer_ClientProbesUnblockHandshake()
    {
        var pair = new QuicPair(22, new LinkOptions { Latency = TimeSpan.FromMilliseconds(20) });
        int serverDatagrams = 0;
        var until = pair.Now + TimeSpan.FromMilliseconds(1500);
        // Only the server's first datagram gets through for 1.5 s: the rest of its flight is lost.
        pair.Interceptor = (toServer, _) => !toServer && ++serverDatagrams > 1 && pair.Now < until;
        pair.DriveUntil(() => pair.Client.IsHandshakeConfirmed && pair.Server is { IsHandshakeConfirmed: true }, maxTime: TimeSpan.FromSeconds(30));
        Assert.True(pair.Client.Stats.PtoCount + pair.Server!.Stats.PtoCount >= 1);
    }

    [Fact]
    public void ClientFirstInitialLost_RetransmittedAfterPto()
    {
        var pair = new QuicPair(23);
        bool dropped = false;
        pair.Interceptor = (toServer, _) => toServer && !dropped && (dropped = true);
        pair.Handshake();
        Assert.True(pair.Client.Stats.PtoCount >= 1);
    }
}
