namespace MoqLive.Moqt.Model;

/// <summary>Outcome of reading one object from a subgroup or fetch.</summary>
public enum ObjectReadStatus
{
    /// <summary>An object was read; the reader owns one payload reference.</summary>
    Object,

    /// <summary>The subgroup (or fetch) finished normally: a session FINs the stream.</summary>
    End,

    /// <summary>
    /// This reader fell too far behind, or the group left the cache window: the rest of the group is lost for this
    /// reader. A session resets the stream with TOO_FAR_BEHIND.
    /// </summary>
    Abandoned,

    /// <summary>The producer aborted the subgroup (upstream reset); see <see cref="ObjectReadResult.ResetCode"/>.</summary>
    Aborted,
}

/// <summary>Result of <see cref="SubgroupConsumer.ReadObjectAsync"/> or <see cref="FetchConsumer.ReadObjectAsync"/>.</summary>
public readonly struct ObjectReadResult
{
    private ObjectReadResult(ObjectReadStatus status, MoqtObject? obj, StreamResetCode resetCode)
    {
        Status = status;
        Object = obj;
        ResetCode = resetCode;
    }

    /// <summary>What happened.</summary>
    public ObjectReadStatus Status { get; }

    /// <summary>The object when <see cref="Status"/> is <see cref="ObjectReadStatus.Object"/>. The reader owns one payload reference.</summary>
    public MoqtObject? Object { get; }

    /// <summary>Reset code for <see cref="ObjectReadStatus.Aborted"/> and <see cref="ObjectReadStatus.Abandoned"/>.</summary>
    public StreamResetCode ResetCode { get; }

    internal static ObjectReadResult ForObject(MoqtObject obj) => new(ObjectReadStatus.Object, obj, default);

    internal static ObjectReadResult EndResult => new(ObjectReadStatus.End, null, default);

    internal static ObjectReadResult AbandonedResult => new(ObjectReadStatus.Abandoned, null, StreamResetCode.TooFarBehind);

    internal static ObjectReadResult ForAbort(StreamResetCode code) => new(ObjectReadStatus.Aborted, null, code);
}
