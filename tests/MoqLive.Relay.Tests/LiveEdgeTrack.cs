using MoqLive.Moqt.Model;
using static MoqLive.Relay.Tests.RelayTestHelpers;

namespace MoqLive.Relay.Tests;

/// <summary>
/// The joining-FETCH tests' track: groups 0-2 of 5 objects each are complete, and group 3 is open at object 2 (the
/// live edge a late joiner's SUBSCRIBE reports). A joining FETCH of 0 groups back must return exactly
/// <see cref="Fetched"/>, and the subscription exactly <see cref="Live"/>: no gap, no overlap.
/// </summary>
internal sealed class LiveEdgeTrack
{
    public static readonly Location LiveEdge = new(3, 2);

    public static readonly Location[] Fetched = [new(3, 0), new(3, 1), LiveEdge];

    public static readonly Location[] Live = [new(3, 3), new(3, 4), new(4, 0), new(4, 1)];

    private readonly TrackProducer _source;
    private readonly GroupProducer _current;
    private readonly SubgroupProducer _subgroup;

    private LiveEdgeTrack(TrackProducer source)
    {
        _source = source;
        for (ulong g = 0; g < 3; g++)
            WriteGroup(source, g, perSubgroup: 5);
        _current = source.CreateGroup(3);
        _subgroup = _current.CreateSubgroup(0);
        for (ulong o = 0; o <= LiveEdge.Object; o++)
            _subgroup.Write(o, Payload(3, o));
    }

    public static LiveEdgeTrack Write(TrackProducer source) => new(source);

    /// <summary>Reads <paramref name="subscriber"/> while group 3 gets its last two objects, group 4 follows and the track ends.</summary>
    public async Task<List<Location>> FinishAndReadAsync(TrackConsumer subscriber)
    {
        var live = Task.Run(() => ReadTrack(subscriber));
        for (ulong o = LiveEdge.Object + 1; o < 5; o++)
            _subgroup.Write(o, Payload(3, o));
        _subgroup.Complete();
        _current.Complete();
        WriteGroup(_source, 4, perSubgroup: 2);
        _source.Complete();
        return (await live.WaitAsync(TestTimeout)).Objects;
    }
}
