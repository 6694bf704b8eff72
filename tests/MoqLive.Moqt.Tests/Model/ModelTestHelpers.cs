using System.Buffers;
using MoqLive.Moqt.Model;

namespace MoqLive.Moqt.Tests.Model;

internal static class ModelTestHelpers
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);

    public static FullTrackName Name(string track = "video") => FullTrackName.Create(TrackNamespace.Of("live", "alice"), track);

    public static TrackProducer Producer(TrackProducerOptions? options = null) => new(new TrackInfo(Name()), options);

    public static MoqtPayload Payload(ulong group, ulong obj, ArrayPool<byte>? pool = null)
        => MoqtPayload.Create(BitConverter.GetBytes((group << 32) | obj), pool);

    /// <summary>Writes a complete group with one subgroup of <paramref name="objects"/> objects.</summary>
    public static void WriteGroup(TrackProducer producer, ulong groupId, int objects, ArrayPool<byte>? pool = null, bool complete = true)
    {
        var group = producer.CreateGroup(groupId);
        var subgroup = group.CreateSubgroup(0);
        for (ulong i = 0; i < (ulong)objects; i++)
            subgroup.Write(i, Payload(groupId, i, pool));
        if (complete)
        {
            subgroup.Complete();
            group.Complete();
        }
    }

    /// <summary>Reads every object of a subgroup until it ends; returns (objects, final status). Releases payloads.</summary>
    public static async Task<(List<Location> Objects, ObjectReadStatus Final)> ReadAll(SubgroupConsumer subgroup)
    {
        var list = new List<Location>();
        while (true)
        {
            var r = await subgroup.ReadObjectAsync().AsTask().WaitAsync(TestTimeout);
            if (r.Status != ObjectReadStatus.Object)
                return (list, r.Status);
            list.Add(r.Object!.Location);
            r.Object.Release();
        }
    }

    /// <summary>Reads whole groups until the track ends; returns all locations read.</summary>
    public static async Task<(List<Location> Objects, TrackEnd End, int Lost)> ReadTrack(TrackConsumer track)
    {
        var list = new List<Location>();
        int lost = 0;
        while (true)
        {
            var next = await track.NextGroupAsync().AsTask().WaitAsync(TestTimeout);
            lost += next.LostGroups;
            if (next.IsEnd)
                return (list, next.End!, lost);
            while (await next.Group!.NextSubgroupAsync().AsTask().WaitAsync(TestTimeout) is { } subgroup)
                list.AddRange((await ReadAll(subgroup)).Objects);
        }
    }
}
