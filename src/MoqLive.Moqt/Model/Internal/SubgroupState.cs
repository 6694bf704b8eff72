namespace MoqLive.Moqt.Model.Internal;

/// <summary>Shared state of one subgroup (or of a group's datagrams). Guarded by the track's lock.</summary>
internal sealed class SubgroupState(GroupState group, ulong subgroupId, byte priority, bool isDatagram)
{
    public GroupState Group { get; } = group;

    public ulong SubgroupId { get; } = subgroupId;

    public byte Priority { get; } = priority;

    public bool IsDatagram { get; } = isDatagram;

    public List<MoqtObject> Objects { get; } = [];

    public bool Complete { get; set; }

    public StreamResetCode? AbortCode { get; set; }

    public AsyncSignal Signal { get; } = new();

    public ulong? LastObjectId => Objects.Count == 0 ? null : Objects[^1].ObjectId;

    public bool IsOpen => !Complete && AbortCode is null;
}
