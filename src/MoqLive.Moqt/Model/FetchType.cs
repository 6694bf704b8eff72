namespace MoqLive.Moqt.Model;

/// <summary>FETCH type (draft-ietf-moq-transport-19 §"FETCH").</summary>
public enum FetchType : ulong
{
    /// <summary>0x1: an explicit range of a track.</summary>
    Standalone = 0x1,

    /// <summary>0x2: from N groups before the joining subscription's Joining Location up to it.</summary>
    RelativeJoining = 0x2,

    /// <summary>0x3: from an absolute group up to the joining subscription's Joining Location.</summary>
    AbsoluteJoining = 0x3,
}
