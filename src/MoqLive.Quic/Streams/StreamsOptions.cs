namespace MoqLive.Quic.Streams;

/// <summary>Local stream and flow-control settings plus what the peer's transport parameters allow.</summary>
internal sealed record StreamsOptions
{
    /// <summary>Initial stream receive window we advertise (initial_max_stream_data_*).</summary>
    public ulong StreamReceiveWindow { get; init; } = 256 * 1024;

    /// <summary>Upper bound for auto-tuning a stream window.</summary>
    public ulong MaxStreamReceiveWindow { get; init; } = 16 * 1024 * 1024;

    /// <summary>Initial connection receive window we advertise (initial_max_data).</summary>
    public ulong ConnectionReceiveWindow { get; init; } = 1024 * 1024;

    /// <summary>Upper bound for auto-tuning the connection window.</summary>
    public ulong MaxConnectionReceiveWindow { get; init; } = 64 * 1024 * 1024;

    /// <summary>Streams of each type the peer may have open (initial_max_streams_bidi/uni).</summary>
    public ulong MaxIncomingBidiStreams { get; init; } = 100;

    public ulong MaxIncomingUniStreams { get; init; } = 100;

    /// <summary>Maximum unacknowledged bytes buffered across all send streams.</summary>
    public ulong SendBufferSize { get; init; } = 8 * 1024 * 1024;
}

/// <summary>The peer's flow-control transport parameters (RFC 9000 §18.2) that govern what we may send.</summary>
internal sealed record PeerStreamLimits
{
    public ulong InitialMaxData { get; init; }

    public ulong InitialMaxStreamDataBidiLocal { get; init; }

    public ulong InitialMaxStreamDataBidiRemote { get; init; }

    public ulong InitialMaxStreamDataUni { get; init; }

    public ulong InitialMaxStreamsBidi { get; init; }

    public ulong InitialMaxStreamsUni { get; init; }
}
