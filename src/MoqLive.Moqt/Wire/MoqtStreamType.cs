namespace MoqLive.Moqt.Wire;

/// <summary>What a unidirectional stream carries, from its first vi64 (draft-ietf-moq-transport-19 §"Unidirectional Stream Types").</summary>
public enum MoqtStreamKind
{
    /// <summary>A control stream (begins with SETUP, type 0x2F00).</summary>
    Control,

    /// <summary>A subgroup data stream (SUBGROUP_HEADER, 0b0XX1XXXX).</summary>
    Subgroup,

    /// <summary>A fetch data stream (FETCH_HEADER, 0x05).</summary>
    Fetch,

    /// <summary>A padding stream (0x132B3E28) to be discarded.</summary>
    Padding,
}

/// <summary>Unidirectional stream and datagram type values (draft-ietf-moq-transport-19 §"Unidirectional Stream Types", §"Padding").</summary>
public static class MoqtStreamType
{
    public const ulong FetchHeader = 0x05;
    public const ulong Setup = 0x2F00;
    public const ulong PaddingStream = 0x132B3E28;
    public const ulong PaddingDatagram = 0x132B3E29;

    /// <summary>True for a valid SUBGROUP_HEADER type: bit 4 set, bit 7 clear, SUBGROUP_ID_MODE not 0b11.</summary>
    public static bool IsSubgroupHeader(ulong type) => type <= 0x7F && (type & 0x10) != 0 && (type & 0x06) != 0x06;

    /// <summary>Classifies a stream type; an unknown or invalid type is a PROTOCOL_VIOLATION (the session must close).</summary>
    public static MoqtStreamKind Classify(ulong type)
    {
        if (IsSubgroupHeader(type))
            return MoqtStreamKind.Subgroup;
        return type switch
        {
            FetchHeader => MoqtStreamKind.Fetch,
            Setup => MoqtStreamKind.Control,
            PaddingStream => MoqtStreamKind.Padding,
            _ => ThrowHelper.ProtocolViolation<MoqtStreamKind>($"unknown or invalid unidirectional stream type 0x{type:x}"),
        };
    }
}
