using System.Buffers;
using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session;
using MoqLive.Transport.InMemory;

namespace MoqLive.Relay.Tests;

internal static class RelayTestHelpers
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    public static readonly TrackNamespace Ns = TrackNamespace.Of("live", "alice");

    public static readonly FullTrackName Video = FullTrackName.Create(Ns, "video");

    public static MoqtPayload Payload(ulong group, ulong obj, int size = 8, ArrayPool<byte>? pool = null)
    {
        var payload = MoqtPayload.Rent(size, pool);
        var span = payload.GetWritableSpan();
        span.Clear();
        BitConverter.TryWriteBytes(span, (group << 32) | obj);
        return payload;
    }

    /// <summary>Writes a group: <paramref name="subgroups"/> subgroups of <paramref name="perSubgroup"/> objects each (IDs contiguous per subgroup).</summary>
    public static void WriteGroup(TrackProducer producer, ulong groupId, int subgroups = 1, int perSubgroup = 10, int size = 8, ArrayPool<byte>? pool = null, bool complete = true)
    {
        var group = producer.CreateGroup(groupId);
        for (int s = 0; s < subgroups; s++)
        {
            var subgroup = group.CreateSubgroup((ulong)s);
            for (int o = 0; o < perSubgroup; o++)
            {
                ulong objectId = (ulong)(s * perSubgroup + o);
                subgroup.Write(objectId, Payload(groupId, objectId, size, pool));
            }

            if (complete)
                subgroup.Complete();
        }

        if (complete)
            group.Complete();
    }

    /// <summary>A session to the relay over the in-memory pair (the relay's side accepts, as moqlive serve's does).</summary>
    public static async Task<MoqtSession> ConnectAsync(MoqtRelay relay, TimeProvider time, MoqtSessionOptions client)
    {
        (InMemorySession clientTransport, InMemorySession relayTransport) = InMemorySessionPair.Create(new InMemorySessionOptions
        {
            Protocol = MoqLive.Moqt.Wire.MoqtVersions.GetAlpn(MoqLive.Moqt.Wire.MoqtVersion.Draft19),
        });
        Task<MoqtSession> accept = MoqtSession.AcceptAsync(relayTransport, new MoqtSessionOptions { Publisher = relay, Subscriber = relay, TimeProvider = time });
        MoqtSession session = await MoqtSession.ConnectAsync(clientTransport, client).WaitAsync(TestTimeout);
        await accept.WaitAsync(TestTimeout);
        return session;
    }

    public static async Task<TrackConsumer> SubscribeOk(IPublisher relay, FullTrackName track, TrackStart? start = null)
    {
        var result = await relay.SubscribeAsync(track, new SubscribeOptions { Start = start ?? TrackStart.LargestObject }).AsTask().WaitAsync(TestTimeout);
        Assert.True(result.IsOk, result.ToString());
        return result.Value!.Track;
    }

    /// <summary>What one downstream subscriber received.</summary>
    internal sealed class Received
    {
        public List<Location> Objects { get; } = [];

        public Dictionary<(ulong Group, ulong Subgroup), List<ulong>> BySubgroup { get; } = [];

        public TrackEnd? End { get; set; }

        public int LostGroups { get; set; }

        public int Count
        {
            get
            {
                lock (this)
                    return Objects.Count;
            }
        }

        public int AbandonedSubgroups { get; set; }

        public bool InOrderWithinEverySubgroup
            => BySubgroup.Values.All(ids => ids.Zip(ids.Skip(1)).All(p => p.First < p.Second));
    }

    /// <summary>Reads a track like a session would (each subgroup concurrently) until it ends or <paramref name="stopAfter"/> objects arrived.</summary>
    public static Task<Received> ReadTrack(TrackConsumer track, int stopAfter = int.MaxValue, Action<Received>? onObject = null)
        => ReadTrackInto(track, new Received(), stopAfter, onObject);

    /// <summary>Reads a FETCH response to its end: the locations of its objects, in order (each object released).</summary>
    public static async Task<List<Location>> ReadFetch(FetchConsumer fetch)
    {
        var list = new List<Location>();
        while (true)
        {
            var read = await fetch.ReadObjectAsync().AsTask().WaitAsync(TestTimeout);
            if (read.Status != ObjectReadStatus.Object)
            {
                Assert.Equal(ObjectReadStatus.End, read.Status);
                return list;
            }

            list.Add(read.Object!.Location);
            read.Object.Release();
        }
    }

    /// <summary>As <see cref="ReadTrack"/>, into a <see cref="Received"/> the test can watch while reading (lock it).</summary>
    public static async Task<Received> ReadTrackInto(TrackConsumer track, Received received, int stopAfter = int.MaxValue, Action<Received>? onObject = null)
    {
        var subgroupTasks = new List<Task>();
        while (true)
        {
            lock (received)
            {
                if (received.Objects.Count >= stopAfter)
                    break;
            }

            var next = await track.NextGroupAsync().AsTask().WaitAsync(TestTimeout);
            lock (received)
            {
                received.LostGroups += next.LostGroups;
                if (next.IsEnd)
                    received.End = next.End;
            }

            if (next.IsEnd)
                break;

            var group = next.Group!;
            while (await group.NextSubgroupAsync().AsTask().WaitAsync(TestTimeout) is { } subgroup)
                subgroupTasks.Add(ReadSubgroup(subgroup, received, onObject));
            await Task.WhenAll(subgroupTasks).WaitAsync(TestTimeout);
            subgroupTasks.Clear();
        }

        return received;
    }

    private static async Task ReadSubgroup(SubgroupConsumer subgroup, Received received, Action<Received>? onObject)
    {
        while (true)
        {
            var read = await subgroup.ReadObjectAsync().AsTask().WaitAsync(TestTimeout);
            if (read.Status == ObjectReadStatus.Object)
            {
                var obj = read.Object!;
                lock (received)
                {
                    received.Objects.Add(obj.Location);
                    var key = (obj.GroupId, obj.SubgroupId);
                    if (!received.BySubgroup.TryGetValue(key, out var ids))
                        received.BySubgroup[key] = ids = [];
                    ids.Add(obj.ObjectId);
                }

                obj.Release();
                onObject?.Invoke(received);
                continue;
            }

            if (read.Status == ObjectReadStatus.Abandoned)
            {
                lock (received)
                    received.AbandonedSubgroups++;
            }

            return;
        }
    }
}
